// Realtime fan-out for every feature: `app.realtime.publishToBuildingGroup(buildingId, event)` and
// `app.realtime.publishToUsers(userIds, event)` reach the right live sockets on every instance (Redis when REDIS_URL is set).
import type { RealtimeEvent } from '@linli/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { inProcessBus, redisBus, type FanoutBus, type FanoutTarget } from '../realtime/fanout';
import { LocalHub } from '../realtime/hub';
import { visitOncePerPeriod } from '../realtime/rotation';

export interface RealtimeOptions {
  redisUrl: string | null;
  /** Redis pub/sub channel (default `linli:realtime`). */
  channel?: string;
  /** Server ping interval; a socket that has not answered the previous ping is dropped. */
  heartbeatMs?: number;
  /** A socket whose unsent bytes exceed this is disconnected as a slow consumer. */
  maxBufferedBytes?: number;
}

export interface Realtime {
  readonly busKind: FanoutBus['kind'];
  readonly hub: LocalHub;
  readonly limits: { maxBufferedBytes: number; maxHeldEvents: number };
  /** Every member of a building's group, on every instance. `seq` lets resuming sockets drop duplicates. */
  publishToBuildingGroup(buildingId: string, event: RealtimeEvent, seq?: number): Promise<void>;
  /** Every live socket of these accounts, on every instance. */
  publishToUsers(userIds: string[], event: RealtimeEvent): Promise<void>;
  publish(target: FanoutTarget, event: RealtimeEvent): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime;
  }
}

export const realtimePlugin = fp(async function realtimePlugin(app: FastifyInstance, opts: RealtimeOptions) {
  const bus = opts.redisUrl ? await redisBus(opts.redisUrl, app.log, opts.channel) : inProcessBus();
  const hub = new LocalHub();
  bus.onEnvelope((envelope) => hub.deliver(envelope));

  const publish = async (target: FanoutTarget, event: RealtimeEvent) => {
    try {
      await bus.publish({ ...target, payload: JSON.stringify(event) });
    } catch (err) {
      // The message is stored either way; clients catch up through resume.
      app.log.error({ err }, 'realtime publish failed');
    }
  };
  const realtime: Realtime = {
    busKind: bus.kind,
    hub,
    limits: { maxBufferedBytes: opts.maxBufferedBytes ?? 1024 * 1024, maxHeldEvents: 5000 },
    publish,
    publishToBuildingGroup: (buildingId, event, seq) =>
      publish({ buildingIds: [buildingId], ...(seq !== undefined ? { groupId: buildingId, seq } : {}) }, event),
    publishToUsers: (userIds, event) => publish({ userIds }, event),
  };
  app.decorate('realtime', realtime);

  // Each socket is pinged once per period and dropped at its next turn if it has not answered; the pings are spread
  // over the period in slices every 50 ms (a burst of 5,000 pings would stall every request in flight; a slice of
  // 5,000 / 600 keeps each stall well under a millisecond).
  const stopHeartbeat = visitOncePerPeriod(() => hub.connections, opts.heartbeatMs ?? 30_000, 50, (slice) => {
    for (const connection of slice) connection.heartbeat();
  });

  app.addHook('preClose', async () => {
    stopHeartbeat();
    for (const connection of hub.connections) connection.socket.close(1001, 'SERVER_SHUTDOWN');
  });
  app.addHook('onClose', async () => bus.close());
});

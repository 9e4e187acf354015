// How an event reaches every instance: in process (one instance), or through Redis pub/sub (N instances act as one).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Who an event is for, and (for chat messages) its place in a group so a resuming socket can drop duplicates. */
export interface FanoutTarget {
  buildingIds?: string[];
  userIds?: string[];
  groupId?: string;
  seq?: number;
}

/** An event as it travels: the target, and the payload already serialised once (never per socket). */
export interface FanoutEnvelope extends FanoutTarget {
  payload: string;
}

export interface FanoutBus {
  readonly kind: 'in-process' | 'redis';
  publish(envelope: FanoutEnvelope): Promise<void>;
  onEnvelope(handler: (envelope: FanoutEnvelope) => void): void;
  close(): Promise<void>;
}

export function inProcessBus(): FanoutBus {
  const handlers: ((e: FanoutEnvelope) => void)[] = [];
  return {
    kind: 'in-process',
    async publish(envelope) {
      for (const handler of handlers) handler(envelope);
    },
    onEnvelope(handler) {
      handlers.push(handler);
    },
    async close() {},
  };
}


// Frame: the publishing instance's id, a newline, the target as a small JSON header, a newline, then the payload
// untouched (no second JSON encoding of it). The id comes first so an instance skips its own echo without parsing.
function encodeFrame(origin: string, envelope: FanoutEnvelope): string {
  const { payload, ...target } = envelope;
  return `${origin}\n${JSON.stringify(target)}\n${payload}`;
}

function decodeFrame(frame: string): FanoutEnvelope | null {
  const afterOrigin = frame.indexOf('\n') + 1;
  const cut = frame.indexOf('\n', afterOrigin);
  if (afterOrigin === 0 || cut < 0) return null;
  try {
    return { ...(JSON.parse(frame.slice(afterOrigin, cut)) as FanoutTarget), payload: frame.slice(cut + 1) };
  } catch {
    return null;
  }
}

/**
 * Delivers to this instance's sockets at once, in publish order, and publishes on one Redis channel for the other
 * instances; each instance skips the echo of its own frames. Redis keeps one publisher's frames in order, so every
 * instance sees another instance's events in that instance's order. (A group's events posted through two instances
 * may interleave differently on each; clients order by seq, and a resume drops by seq, as for concurrent posts.)
 */
export async function redisBus(
  url: string,
  log: { error: (obj: unknown, msg: string) => void; warn: (obj: unknown, msg: string) => void },
  channel = 'linli:realtime',
): Promise<FanoutBus> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5000 } as const;
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
  for (const client of [publisher, subscriber]) client.on('error', (err) => log.warn({ err }, 'Redis connection error; retrying'));
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const origin = randomUUID();
  const ownPrefix = `${origin}\n`;
  const handlers: ((e: FanoutEnvelope) => void)[] = [];
  subscriber.on('message', (_channel: string, frame: string) => {
    if (frame.startsWith(ownPrefix)) return;
    const envelope = decodeFrame(frame);
    if (!envelope) return log.error({ frame: frame.slice(0, 200) }, 'malformed realtime frame ignored');
    for (const handler of handlers) handler(envelope);
  });
  await subscriber.subscribe(channel);
  return {
    kind: 'redis',
    async publish(envelope) {
      // To Redis first (handed to the connection, not awaited; ioredis sends in call order), so the other instances
      // start their fan-out while this one writes to its own sockets, then those at once (never waiting for Redis).
      publisher.publish(channel, encodeFrame(origin, envelope)).catch((err: unknown) => {
        log.error({ err }, 'realtime publish to Redis failed; other instances catch up through resume');
      });
      for (const handler of handlers) handler(envelope);
    },
    onEnvelope(handler) {
      handlers.push(handler);
    },
    async close() {
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}

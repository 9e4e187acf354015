// How an event reaches every instance: in process (one instance), or through Redis pub/sub (N instances act as one).
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

const channel = 'linli:realtime';

// Frame: the target as a small JSON header, a newline, then the payload untouched (no second JSON encoding of it).
function encodeFrame(envelope: FanoutEnvelope): string {
  const { payload, ...target } = envelope;
  return `${JSON.stringify(target)}\n${payload}`;
}

function decodeFrame(frame: string): FanoutEnvelope | null {
  const cut = frame.indexOf('\n');
  if (cut < 0) return null;
  try {
    return { ...(JSON.parse(frame.slice(0, cut)) as FanoutTarget), payload: frame.slice(cut + 1) };
  } catch {
    return null;
  }
}

/** Publishes on one channel; every instance (this one included) subscribes and delivers to its own sockets. */
export async function redisBus(url: string, log: { error: (obj: unknown, msg: string) => void; warn: (obj: unknown, msg: string) => void }): Promise<FanoutBus> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5000 } as const;
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
  for (const client of [publisher, subscriber]) client.on('error', (err) => log.warn({ err }, 'Redis connection error; retrying'));
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const handlers: ((e: FanoutEnvelope) => void)[] = [];
  subscriber.on('message', (_channel: string, frame: string) => {
    const envelope = decodeFrame(frame);
    if (!envelope) return log.error({ frame: frame.slice(0, 200) }, 'malformed realtime frame ignored');
    for (const handler of handlers) handler(envelope);
  });
  await subscriber.subscribe(channel);
  return {
    kind: 'redis',
    async publish(envelope) {
      await publisher.publish(channel, encodeFrame(envelope));
    },
    onEnvelope(handler) {
      handlers.push(handler);
    },
    async close() {
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}

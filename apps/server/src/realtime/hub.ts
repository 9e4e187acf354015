// This instance's live sockets, indexed by building group and by user, and the rules of delivering to one socket:
// hold live events while a resume is replayed, drop what the replay already gave, cut off a consumer that cannot keep up.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { wsCloseCodes } from '@linli/shared';
import type { FanoutEnvelope } from './fanout';

interface Delivery {
  envelope: FanoutEnvelope;
  /** The payload as bytes, made once per envelope on this instance and shared by every socket. */
  bytes: Buffer;
  /** The whole WebSocket text frame (header and payload, unmasked as a server sends), also made once per envelope. */
  frame: Buffer;
}

/** One unfragmented, uncompressed text frame as a server sends it (RFC 6455 §5.2: FIN, opcode 1, no mask). */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const head = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  payload.copy(frame, head);
  return frame;
}

/**
 * The TCP socket under a `ws` socket when frames may be written to it directly: no extension negotiated (no
 * permessage-deflate), so `ws` itself writes every frame at once, in call order, never queueing one; a frame written
 * here therefore keeps its place among the pings and own replies `ws` writes. Otherwise null (then `ws.send`).
 */
function rawSocketOf(socket: WebSocket): Socket | null {
  const internals = socket as unknown as { _socket?: Socket | null; _extensions?: Record<string, unknown> };
  return internals._socket && internals._extensions && Object.keys(internals._extensions).length === 0 ? internals._socket : null;
}

/**
 * Pings go out one per turn of the event loop (a chain of setImmediate) rather than a heartbeat slice's worth in one
 * go: each ping is a socket write, and a request that arrives meanwhile is served between two pings instead of
 * waiting for the whole slice. The loop does not sleep between them, so this costs no extra wake-up.
 */
const pingQueue: WebSocket[] = [];

function pingSoon(socket: WebSocket) {
  if (pingQueue.push(socket) === 1) setImmediate(sendNextPing);
}

function sendNextPing() {
  const socket = pingQueue.shift()!;
  if (socket.readyState === socket.OPEN) socket.ping();
  if (pingQueue.length > 0) setImmediate(sendNextPing);
}

export class ChatConnection {
  buildingIds = new Set<string>();
  /** waiting: opened, live events held until the client's resume (or a short grace) · replaying · live. */
  state: 'waiting' | 'replaying' | 'live' = 'waiting';
  private held: Delivery[] = [];
  /** Highest seq per group already given to this socket by a replay; live copies at or below it are dropped. */
  private replayedUpTo: Map<string, number> | null = null;
  alive = true;
  /** False while the socket's groups are being read: events are held (and filtered by `joined`) even once live. */
  groupsKnown = true;
  /** Where a live event's ready-made frame is written (see rawSocketOf), or null to go through `ws.send`. */
  private readonly raw: Socket | null;

  constructor(
    readonly socket: WebSocket,
    readonly userId: string,
    private readonly limits: { maxBufferedBytes: number; maxHeldEvents: number },
  ) {
    this.raw = rawSocketOf(socket);
  }

  offer(delivery: Delivery) {
    if (this.state !== 'live' || !this.groupsKnown) {
      if (this.held.length >= this.limits.maxHeldEvents) return this.cutOff();
      this.held.push(delivery);
      return;
    }
    this.send(delivery);
  }

  /** Sends a reply or replayed event meant for this socket alone. */
  sendOwn(payload: string) {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) return this.cutOff();
    this.socket.send(payload);
  }

  markReplayed(groupId: string, seq: number) {
    this.replayedUpTo ??= new Map();
    if (seq > (this.replayedUpTo.get(groupId) ?? 0)) this.replayedUpTo.set(groupId, seq);
  }

  /** One heartbeat turn: drop the socket if it did not answer the previous ping, else ping it again. */
  heartbeat() {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (!this.alive) return this.socket.terminate();
    this.alive = false;
    pingSoon(this.socket);
  }

  /** The socket's groups are now known: of the events held while they were being read, keeps only its own. */
  joined(buildingIds: ReadonlySet<string>) {
    this.buildingIds = new Set(buildingIds);
    this.held = this.held.filter(({ envelope }) => envelope.userIds?.includes(this.userId) || envelope.buildingIds?.some((b) => buildingIds.has(b)));
    this.groupsKnown = true;
    if (this.state === 'live') this.release();
  }

  beginReplay() {
    this.state = 'replaying';
  }

  /** Ends a replay (or the wait for one): releases the held live events in arrival order, minus what was replayed. */
  goLive() {
    this.state = 'live';
    if (this.groupsKnown) this.release();
  }

  private release() {
    const held = this.held;
    this.held = [];
    for (const delivery of held) this.send(delivery);
  }

  private send({ envelope, bytes, frame }: Delivery) {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.replayedUpTo && envelope.groupId && envelope.seq !== undefined && envelope.seq <= (this.replayedUpTo.get(envelope.groupId) ?? 0)) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) return this.cutOff();
    // The frame made once for every socket: one write, no per-socket framing (ws.send builds a header and writes twice).
    if (this.raw) this.raw.write(frame);
    else this.socket.send(bytes, { binary: false });
  }

  /** A consumer that cannot keep up is disconnected rather than buffered without bound; it resumes when it returns. */
  cutOff() {
    this.held = [];
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(wsCloseCodes.slowConsumer, 'SLOW_CONSUMER');
    // A peer that does not read will not read the close frame either.
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }
}

export class LocalHub {
  private byBuilding = new Map<string, Set<ChatConnection>>();
  private byUser = new Map<string, Set<ChatConnection>>();
  readonly connections = new Set<ChatConnection>();
  /**
   * Sockets opened whose groups are still being read from the database: they are offered every building event (and
   * hold it, being not yet live) so that nothing posted between the upgrade and the read is lost; `join` keeps theirs.
   */
  private joining = new Set<ChatConnection>();

  add(connection: ChatConnection) {
    this.connections.add(connection);
    addTo(this.byUser, connection.userId, connection);
    for (const b of connection.buildingIds) addTo(this.byBuilding, b, connection);
  }

  /** Registers a socket at once, before its groups are known; `join` completes it. */
  addJoining(connection: ChatConnection) {
    connection.groupsKnown = false;
    connection.buildingIds = new Set();
    this.add(connection);
    this.joining.add(connection);
  }

  join(connection: ChatConnection, buildingIds: readonly string[]) {
    if (!this.joining.delete(connection)) return;
    connection.joined(new Set(buildingIds));
    for (const b of connection.buildingIds) addTo(this.byBuilding, b, connection);
  }

  remove(connection: ChatConnection) {
    this.connections.delete(connection);
    this.joining.delete(connection);
    removeFrom(this.byUser, connection.userId, connection);
    for (const b of connection.buildingIds) removeFrom(this.byBuilding, b, connection);
  }

  /** Re-indexes a socket whose groups changed (a binding approved, a household moved out, a grid reassigned). */
  setBuildings(connection: ChatConnection, buildingIds: readonly string[]) {
    if (this.joining.has(connection)) return; // its own read is under way; `join` indexes it
    const current = connection.buildingIds;
    if (buildingIds.length === current.size && buildingIds.every((b) => current.has(b))) return; // the usual refresh: no change
    const next = new Set(buildingIds);
    for (const b of connection.buildingIds) if (!next.has(b)) removeFrom(this.byBuilding, b, connection);
    for (const b of next) if (!connection.buildingIds.has(b)) addTo(this.byBuilding, b, connection);
    connection.buildingIds = next;
  }

  ofUser(userId: string): Iterable<ChatConnection> {
    return this.byUser.get(userId) ?? [];
  }

  /** The accounts with a live socket here (keyed by user id). */
  users(): ReadonlyMap<string, unknown> {
    return this.byUser;
  }

  deliver(envelope: FanoutEnvelope) {
    const bytes = Buffer.from(envelope.payload);
    const delivery: Delivery = { envelope, bytes, frame: textFrame(bytes) };
    if (envelope.buildingIds?.length === 1 && !envelope.userIds?.length) {
      for (const c of this.byBuilding.get(envelope.buildingIds[0]!) ?? []) c.offer(delivery);
      if (this.joining.size > 0) for (const c of this.joining) c.offer(delivery);
      return;
    }
    const targets = new Set<ChatConnection>();
    for (const b of envelope.buildingIds ?? []) for (const c of this.byBuilding.get(b) ?? []) targets.add(c);
    if (envelope.buildingIds?.length) for (const c of this.joining) targets.add(c);
    for (const u of envelope.userIds ?? []) for (const c of this.byUser.get(u) ?? []) targets.add(c);
    for (const c of targets) c.offer(delivery);
  }
}

function addTo(index: Map<string, Set<ChatConnection>>, key: string, c: ChatConnection) {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(c);
}

function removeFrom(index: Map<string, Set<ChatConnection>>, key: string, c: ChatConnection) {
  const set = index.get(key);
  if (!set) return;
  set.delete(c);
  if (set.size === 0) index.delete(key);
}

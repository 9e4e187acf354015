// A chat client as the mini-program behaves: one socket at a time, resumes after every reconnect from the last seq it
// holds without a gap, and records every message of one group as it arrived, per socket (no de-duplication of its own:
// the tests check what the server sent).
import { sleep } from './server-process';
import { openSocket, socketUrl, type TestSocket } from './ws-client';

export class ResumingClient {
  /** Seqs of the group's messages, in arrival order, over every socket this client had. */
  readonly received: number[] = [];
  /** The same, one list per socket. */
  readonly perSocket: number[][] = [];
  /** The highest seq below which this client holds every message: where a resume starts. */
  lastSeq: number;
  /** Messages that arrived after a gap (seq > lastSeq + 1): held, and asked for again by the next resume. */
  afterGap = 0;
  /** Those seqs: the only ones a later resume may rightly send again. */
  readonly receivedAfterGap = new Set<number>();
  private readonly held = new Set<number>();
  connects = 0;
  drops = 0;
  private socket: TestSocket | null = null;

  constructor(
    private baseUrl: string,
    private readonly token: string,
    private readonly groupId: string,
    startSeq: number,
  ) {
    this.lastSeq = startSeq;
  }

  /** Opens a socket (to `baseUrl`, or another instance) and resumes from the last seq seen; resolves once resumed. */
  async connect(baseUrl = this.baseUrl): Promise<void> {
    this.baseUrl = baseUrl;
    const socket = openSocket(socketUrl(baseUrl, this.token));
    this.socket = socket;
    this.connects++;
    const arrived: number[] = [];
    this.perSocket.push(arrived);
    socket.ws.on('message', (data) => {
      // A dropped socket's last frames are not this client's any more.
      if (this.socket !== socket) return;
      const event = JSON.parse(String(data));
      if (event.type === 'message' && event.message.groupId === this.groupId) {
        const seq: number = event.message.seq;
        this.received.push(seq);
        arrived.push(seq);
        if (seq > this.lastSeq + 1) {
          this.afterGap++;
          this.receivedAfterGap.add(seq);
        }
        if (seq > this.lastSeq) this.held.add(seq);
        while (this.held.has(this.lastSeq + 1)) this.held.delete(++this.lastSeq);
      }
    });
    await socket.opened;
    socket.send({ type: 'resume', after: { [this.groupId]: this.lastSeq } });
    await socket.waitFor((e) => e.type === 'resumed', 10_000);
  }

  /** Drops the connection abruptly (no close handshake), as a phone losing its network does. */
  drop() {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    this.drops++;
    socket.ws.terminate();
  }

  async waitUntilSeq(seq: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSeq < seq) {
      if (Date.now() > deadline) throw new Error(`client reached seq ${this.lastSeq}, not ${seq}, within ${timeoutMs} ms (received ${this.received.length})`);
      await sleep(20);
    }
  }

  /** Seqs that arrived more than once (over all sockets). */
  repeated(): number[] {
    const seen = new Set<number>();
    return this.received.filter((seq) => (seen.has(seq) ? true : (seen.add(seq), false)));
  }

  /** Every seq this client holds, each once, ascending. */
  holds(): number[] {
    return [...new Set(this.received)].sort((a, b) => a - b);
  }

  async close() {
    const socket = this.socket;
    this.socket = null;
    await socket?.close();
  }
}

/** `from`, `from + 1`, … `to`. */
export const seqRange = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

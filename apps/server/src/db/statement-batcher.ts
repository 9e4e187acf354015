// Group commit for a hot write path. While `maxInFlight` batches are at the database, the calls that arrive wait here
// and leave together as the next batch: one statement and one commit (one WAL flush) for many requests, instead of one
// each. With few callers nothing waits: a call goes out alone at once. A batch that fails as a whole (a deadlock, a
// lost connection) is re-sent call by call, so one call's trouble is never another's answer.
import { serviceUnavailable } from '../errors';

export interface StatementBatcherOptions<In> {
  /** Most calls in one batch. */
  maxBatch: number;
  /** Batches at the database at once. */
  maxInFlight: number;
  /** A call that waits longer for its turn gets 503 (the client retries). */
  maxWaitMs: number;
  /** The message of that 503. */
  busyMessage: string;
  /** Looked at for each call as its batch leaves: an error refuses that call alone, without sending it. */
  refuseBeforeSending?: (input: In) => Error | null;
}

interface Waiting<In, Out> {
  input: In;
  since: number;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

export class StatementBatcher<In, Out> {
  private readonly waiting: Waiting<In, Out>[] = [];
  private inFlight = 0;
  private expiryTimer: NodeJS.Timeout | null = null;
  /** Sizes of the batches sent, for tests and benches. */
  readonly sentSizes: number[] = [];

  /** `send` answers the calls of one batch in their order: one `Out` per `In`, in one statement. */
  constructor(
    private readonly send: (inputs: In[]) => Promise<Out[]>,
    private readonly options: StatementBatcherOptions<In>,
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ input, since: performance.now(), resolve, reject });
      this.pump();
      if (this.waiting.length && !this.expiryTimer) this.scheduleExpiry();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length) {
      const batch: Waiting<In, Out>[] = [];
      while (batch.length < this.options.maxBatch && this.waiting.length) {
        const call = this.waiting.shift()!;
        const refusal = this.options.refuseBeforeSending?.(call.input);
        if (refusal) call.reject(refusal);
        else batch.push(call);
      }
      if (!batch.length) continue;
      this.inFlight++;
      this.sentSizes.length < 10_000 && this.sentSizes.push(batch.length);
      void this.sendBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async sendBatch(batch: Waiting<In, Out>[]): Promise<void> {
    let outs: Out[];
    try {
      outs = await this.send(batch.map((c) => c.input));
      if (outs.length !== batch.length) throw new Error(`statement batch: ${outs.length} answers for ${batch.length} calls`);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // Each alone, so a call's own error reaches only that call.
      await Promise.all(batch.map((c) => this.send([c.input]).then(([out]) => c.resolve(out!), c.reject)));
      return;
    }
    batch.forEach((c, i) => c.resolve(outs[i]!));
  }

  /** One timer for all waiting calls: it refuses those that waited longer than `maxWaitMs`. */
  private scheduleExpiry(): void {
    const oldest = this.waiting[0];
    if (!oldest) return;
    const due = Math.max(0, oldest.since + this.options.maxWaitMs - performance.now());
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      const now = performance.now();
      while (this.waiting.length && now - this.waiting[0]!.since >= this.options.maxWaitMs) {
        this.waiting.shift()!.reject(serviceUnavailable(this.options.busyMessage));
      }
      this.scheduleExpiry();
    }, due);
    this.expiryTimer.unref();
  }
}

import { AppError } from '../errors';
import { StatementBatcher } from './statement-batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A `send` whose batches finish when the test says so; it records what each batch held. */
function heldStatements() {
  const batches: { inputs: number[]; finish: (outs?: string[]) => void; fail: (err: Error) => void }[] = [];
  const send = (inputs: number[]) => new Promise<string[]>((resolve, reject) => {
    batches.push({ inputs, finish: (outs) => resolve(outs ?? inputs.map((n) => `answer ${n}`)), fail: reject });
  });
  return { batches, send };
}

const options = { maxBatch: 3, maxInFlight: 1, maxWaitMs: 60_000, busyMessage: '忙' };

describe('the statement batcher', () => {
  it('sends the first call alone at once, and those that arrive meanwhile together, each answered with its own row', async () => {
    const { batches, send } = heldStatements();
    const batcher = new StatementBatcher(send, options);
    const answers = [1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n));
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1]]);
    batches[0]!.finish();
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.finish();
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4], [5, 6]]);
    batches[2]!.finish();
    expect(await Promise.all(answers)).toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4', 'answer 5', 'answer 6']);
    expect(batcher.sentSizes).toEqual([1, 3, 2]);
  });

  it('re-sends a failed batch call by call, so only the call at fault gets the error', async () => {
    const send = async (inputs: number[]) => {
      if (inputs.includes(3)) throw new Error(inputs.length > 1 ? 'batch failed' : 'call 3 failed');
      return inputs.map((n) => `answer ${n}`);
    };
    const batcher = new StatementBatcher(send, { ...options, maxInFlight: 1 });
    const answers = [1, 2, 3, 4].map((n) => batcher.submit(n).catch((err: Error) => err.message));
    expect(await Promise.all(answers)).toEqual(['answer 1', 'answer 2', 'call 3 failed', 'answer 4']);
    expect(batcher.sentSizes).toEqual([1, 3]);
  });

  it('refuses a call whose turn comes when it is no longer wanted, without sending it', async () => {
    const { batches, send } = heldStatements();
    let soldOut = false;
    const batcher = new StatementBatcher(send, { ...options, refuseBeforeSending: (n: number) => (soldOut && n % 2 === 0 ? new Error(`refused ${n}`) : null) });
    const answers = [1, 2, 3, 4].map((n) => batcher.submit(n).catch((err: Error) => err.message));
    await tick();
    soldOut = true;
    batches[0]!.finish();
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [3]]);
    batches[1]!.finish();
    expect(await Promise.all(answers)).toEqual(['answer 1', 'refused 2', 'answer 3', 'refused 4']);
  });

  it('answers 503 SERVICE_UNAVAILABLE once a call has waited maxWaitMs', async () => {
    const { batches, send } = heldStatements();
    const batcher = new StatementBatcher(send, { ...options, maxWaitMs: 30 });
    const first = batcher.submit(1);
    const late = batcher.submit(2).catch((err: unknown) => err);
    const refused = await late;
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).statusCode).toBe(503);
    expect((refused as AppError).code).toBe('SERVICE_UNAVAILABLE');
    batches[0]!.finish();
    expect(await first).toBe('answer 1');
    await tick();
    expect(batches).toHaveLength(1);
  });
});

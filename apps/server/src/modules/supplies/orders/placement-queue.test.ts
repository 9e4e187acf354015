import { AppError } from '../../../errors';
import { PlacementQueue } from './placement-queue';

/** A placement that finishes when the test says so. */
function pendingWork() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the placement queue', () => {
  it('runs at most `limit` placements at once and starts the others in arrival order', async () => {
    const queue = new PlacementQueue(2, 60_000);
    const started: number[] = [];
    const works = Array.from({ length: 5 }, () => pendingWork());
    const runs = works.map((w, i) => queue.run(async () => { started.push(i); await w.done; return i; }));
    await tick();
    expect(started).toEqual([0, 1]);
    works[1]!.finish();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    works[0]!.finish();
    works[2]!.finish();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    works[3]!.finish();
    works[4]!.finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
  });

  it('frees the slot when a placement fails', async () => {
    const queue = new PlacementQueue(1, 60_000);
    await expect(queue.run(async () => { throw new Error('refused'); })).rejects.toThrow('refused');
    expect(await queue.run(async () => 'next')).toBe('next');
  });

  it('answers 503 to a placement that waited too long, which then never runs', async () => {
    jest.useFakeTimers();
    try {
      const queue = new PlacementQueue(1, 5000);
      const first = pendingWork();
      const running = queue.run(() => first.done);
      let ranLate = false;
      const waiting = queue.run(async () => { ranLate = true; });
      const refused = expect(waiting).rejects.toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
      jest.advanceTimersByTime(5000);
      await refused;
      await expect(waiting).rejects.toBeInstanceOf(AppError);
      first.finish();
      await running;
      expect(ranLate).toBe(false);
      expect(await queue.run(async () => 'free again')).toBe('free again');
    } finally {
      jest.useRealTimers();
    }
  });
});

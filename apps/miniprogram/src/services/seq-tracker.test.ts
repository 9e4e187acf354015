import { SeqTracker } from './seq-tracker';

it('resumes after the first hole, not after the highest seq seen', () => {
  const tracker = new SeqTracker();
  tracker.seenThrough('g1', 50);
  tracker.seenLive('g1', 52); // 51 is still on its way
  expect(tracker.resumePoints()).toEqual({ g1: 50 });
  tracker.seenLive('g1', 51);
  expect(tracker.resumePoints()).toEqual({ g1: 52 });
});

it('closes several holes in whatever order they fill, and ignores repeats', () => {
  const tracker = new SeqTracker();
  tracker.seenThrough('g1', 10);
  for (const seq of [13, 12, 12, 15]) tracker.seenLive('g1', seq);
  expect(tracker.resumePoints()).toEqual({ g1: 10 });
  tracker.seenLive('g1', 11);
  expect(tracker.resumePoints()).toEqual({ g1: 13 });
  tracker.seenThrough('g1', 14); // a page filled the hole
  expect(tracker.resumePoints()).toEqual({ g1: 15 });
});

it('keeps groups apart and starts a group it knew nothing of at its first live message', () => {
  const tracker = new SeqTracker();
  tracker.seenLive('g2', 7);
  tracker.seenThrough('g1', 3);
  tracker.seenThrough('g1', 2); // an older page never moves it back
  expect(tracker.resumePoints()).toEqual({ g1: 3, g2: 7 });
});

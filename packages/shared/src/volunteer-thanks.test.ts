import { PublishThankYouPostBody, resolveStatsPeriod, shanghaiPeriodBounds, thankYouChatText, VolunteerStatsQuery } from './volunteer-thanks';

describe('volunteer stats period', () => {
  it('defaults to the 7 Shanghai days up to today, and follows one given end', () => {
    // 2026-11-24 17:00 UTC is already 2026-11-25 in Shanghai.
    expect(resolveStatsPeriod({}, new Date('2026-11-24T17:00:00Z'))).toEqual({ from: '2026-11-19', to: '2026-11-25' });
    expect(resolveStatsPeriod({ to: '2026-03-01' })).toEqual({ from: '2026-02-23', to: '2026-03-01' });
    expect(resolveStatsPeriod({ from: '2026-02-27' })).toEqual({ from: '2026-02-27', to: '2026-03-05' });
  });

  it('bounds Shanghai days by the UTC instants of their midnights', () => {
    expect(shanghaiPeriodBounds('2026-03-01', '2026-03-02')).toEqual({ start: new Date('2026-02-28T16:00:00Z'), end: new Date('2026-03-02T16:00:00Z') });
  });

  it('accepts up to 31 days in order, and nothing else', () => {
    expect(VolunteerStatsQuery.safeParse({ from: '2026-01-01', to: '2026-01-31' }).success).toBe(true);
    expect(VolunteerStatsQuery.safeParse({ from: '2026-01-01', to: '2026-02-01' }).success).toBe(false);
    expect(VolunteerStatsQuery.safeParse({ from: '2026-01-02', to: '2026-01-01' }).success).toBe(false);
    expect(VolunteerStatsQuery.safeParse({ from: '2026-02-29' }).success).toBe(false);
    const body = { title: '谢谢', message: '辛苦了', from: '2026-01-01', to: '2026-01-07' };
    expect(PublishThankYouPostBody.safeParse(body).success).toBe(true);
    expect(PublishThankYouPostBody.safeParse({ ...body, title: '  ' }).success).toBe(false);
  });
});

it('names at most ten volunteers in the chat message', () => {
  const entries = Array.from({ length: 12 }, (_, i) => ({ displayName: `志愿者${i}`, tasksCompleted: 1, ordersHandedOver: 0 }));
  const text = thankYouChatText({ title: '本周感谢', from: '2026-01-01', to: '2026-01-07', entries });
  expect(text).toContain('志愿者9');
  expect(text).not.toContain('志愿者10');
  expect(text).toContain('等 12 位志愿者');
});

import {
  alertReasonsOf, allNormalEntries, CalendarDay, CheckinBody, checkinDayOf, CheckinEntry, entriesOfCheckinBody, followUpTransitions, HouseholdCheckinBody, isPastCutoff, shanghaiDayStart, shiftDay,
} from './checkins';
import { canTransition } from './state-machine';

const personId = '00000000-0000-4000-8000-000000000001';
const entry = (temperatureC: unknown) => CheckinEntry.safeParse({ personId, temperatureC });

describe('temperature', () => {
  it.each([34.0, 36.5, 37.2, 37.3, 43.0])('accepts %s °C', (t) => expect(entry(t).success).toBe(true));
  it.each([33.9, 43.1, 36.55, 37.25, '36.5', null])('refuses %s', (t) => expect(entry(t).success).toBe(false));
});

describe('the alert rule', () => {
  const base = { temperatureC: 36.5, antigen: 'negative' as const, symptoms: [] };
  it('is quiet below 37.3 °C with a negative antigen and no breathing difficulty', () => {
    expect(alertReasonsOf({ ...base, temperatureC: 37.2, symptoms: ['cough'] })).toEqual([]);
  });
  it('alerts at 37.3 °C, on a positive antigen and on 呼吸困难, with every reason', () => {
    expect(alertReasonsOf({ ...base, temperatureC: 37.3 })).toEqual(['fever']);
    expect(alertReasonsOf({ ...base, antigen: 'positive' })).toEqual(['antigen_positive']);
    expect(alertReasonsOf({ ...base, symptoms: ['breathing_difficulty'] })).toEqual(['breathing_difficulty']);
    expect(alertReasonsOf({ temperatureC: 38.5, antigen: 'positive', symptoms: ['breathing_difficulty'] })).toEqual(['fever', 'antigen_positive', 'breathing_difficulty']);
  });
});

describe('the check-in day turns at 00:00 Asia/Shanghai', () => {
  it('23:59 in Shanghai is still that day; 00:01 is the next', () => {
    expect(checkinDayOf(new Date('2026-11-25T15:59:00Z'))).toBe('2026-11-25');
    expect(checkinDayOf(new Date('2026-11-25T16:01:00Z'))).toBe('2026-11-26');
  });
  it('starts a day at 16:00 UTC the evening before and shifts days across months', () => {
    expect(shanghaiDayStart('2026-12-01').toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(shiftDay('2026-12-01', -1)).toBe('2026-11-30');
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
  });
  it('passes the 10:00 cut-off at 10:00 Shanghai time', () => {
    expect(isPastCutoff('2026-11-25', '10:00', new Date('2026-11-25T01:59:00Z'))).toBe(false);
    expect(isPastCutoff('2026-11-25', '10:00', new Date('2026-11-25T02:00:00Z'))).toBe(true);
  });
  it('refuses impossible dates', () => {
    expect(CalendarDay.safeParse('2026-02-30').success).toBe(false);
    expect(CalendarDay.safeParse('2026-02-28').success).toBe(true);
  });
});

describe('household submission', () => {
  it('全部正常 fills every member with a valid normal entry', () => {
    const body = HouseholdCheckinBody.parse({ entries: allNormalEntries([personId, '00000000-0000-4000-8000-000000000002']) });
    expect(body.entries.map((e) => alertReasonsOf(e))).toEqual([[], []]);
  });
  it('refuses the same member twice', () => {
    expect(HouseholdCheckinBody.safeParse({ entries: allNormalEntries([personId, personId]) }).success).toBe(false);
  });
});

describe('a check-in body: a whole household or one person', () => {
  it('reads one person as a submission of one, with the same defaults', () => {
    const one = CheckinBody.parse({ personId, temperatureC: 37.5 });
    expect(entriesOfCheckinBody(one)).toEqual([{ personId, temperatureC: 37.5, symptoms: [], antigen: 'not_tested', quarantine: 'none' }]);
    const household = CheckinBody.parse({ entries: allNormalEntries([personId]) });
    expect(entriesOfCheckinBody(household)).toHaveLength(1);
  });
  it('refuses a body that is both, or neither, and names the bad field of the closer one', () => {
    expect(CheckinBody.safeParse({ personId, temperatureC: 36.5, entries: [] }).success).toBe(false);
    expect(CheckinBody.safeParse({}).success).toBe(false);
    const hot = CheckinBody.safeParse({ personId, temperatureC: 43.5 });
    expect(hot.error?.issues[0]?.path).toEqual(['temperatureC']);
  });
});

it('alerts and help requests move open → acknowledged → resolved only', () => {
  expect(canTransition(followUpTransitions, 'open', 'acknowledged')).toBe(true);
  expect(canTransition(followUpTransitions, 'acknowledged', 'resolved')).toBe(true);
  expect(canTransition(followUpTransitions, 'resolved', 'open')).toBe(false);
  expect(canTransition(followUpTransitions, 'acknowledged', 'open')).toBe(false);
});

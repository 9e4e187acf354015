import { canTransition } from './state-machine';
import { ApplyVolunteerBody, AvailabilityWindow, isAvailableAt, volunteerApplicationTransitions, volunteerDecisionMoves } from './volunteers';

describe('volunteer availability', () => {
  const weekdayEvenings = [{ weekdays: [1, 2, 3, 4, 5], start: '18:00', end: '21:00' }];

  it('matches by weekday and clock time in Asia/Shanghai, not UTC', () => {
    // 2026-11-23 is a Monday; 19:30 in Shanghai is 11:30 UTC.
    expect(isAvailableAt(weekdayEvenings, '2026-11-23T11:30:00Z')).toBe(true);
    expect(isAvailableAt(weekdayEvenings, '2026-11-23T19:30:00Z')).toBe(false);
    // Saturday 19:30 in Shanghai.
    expect(isAvailableAt(weekdayEvenings, '2026-11-28T11:30:00Z')).toBe(false);
    // Sunday 01:00 UTC is Sunday 09:00 in Shanghai: weekday 7.
    expect(isAvailableAt([{ weekdays: [7], start: '08:00', end: '12:00' }], '2026-11-29T01:00:00Z')).toBe(true);
  });

  it('refuses windows that end before they start, bad clock times and repeated weekdays', () => {
    expect(AvailabilityWindow.safeParse({ weekdays: [1], start: '20:00', end: '08:00' }).success).toBe(false);
    expect(AvailabilityWindow.safeParse({ weekdays: [1], start: '24:00', end: '25:00' }).success).toBe(false);
    expect(AvailabilityWindow.safeParse({ weekdays: [1, 1], start: '08:00', end: '09:00' }).success).toBe(false);
    expect(AvailabilityWindow.safeParse({ weekdays: [8], start: '08:00', end: '09:00' }).success).toBe(false);
  });

  it('an application needs at least one skill and one window', () => {
    expect(ApplyVolunteerBody.safeParse({ skills: [], availability: weekdayEvenings }).success).toBe(false);
    expect(ApplyVolunteerBody.safeParse({ skills: ['delivery'], availability: [] }).success).toBe(false);
    expect(ApplyVolunteerBody.safeParse({ skills: ['delivery'], availability: weekdayEvenings }).success).toBe(true);
  });
});

describe('volunteer application state machine', () => {
  it('every staff decision is an allowed move, and rejected is final', () => {
    for (const move of Object.values(volunteerDecisionMoves)) {
      expect(canTransition(volunteerApplicationTransitions, move.from, move.to)).toBe(true);
    }
    expect(canTransition(volunteerApplicationTransitions, 'rejected', 'approved')).toBe(false);
    expect(canTransition(volunteerApplicationTransitions, 'pending', 'suspended')).toBe(false);
  });
});

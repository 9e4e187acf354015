// Small factories for volunteer tests: a demo resident applies, and (optionally) the admin approves.
import type { ApplyVolunteerBody } from '@linli/shared';
import type { TestApp } from './app';
import { residentPhone } from './households';

export const everyDay = [{ weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' }];

export interface TestVolunteer {
  phone: string;
  token: string;
  userId: string;
  applicationId: string;
}

export async function applyAsResident(t: TestApp, room: { building: number; unit: number; room: string }, body: Partial<ApplyVolunteerBody> = {}): Promise<TestVolunteer> {
  const phone = residentPhone(room.building, room.unit, room.room);
  const { token, userId } = await t.login(phone);
  const res = await t.call(token, {
    method: 'POST', url: '/api/v1/volunteer-applications',
    payload: { skills: ['delivery'], availability: everyDay, ...body },
  });
  if (res.statusCode !== 201) throw new Error(`apply ${phone} → ${res.statusCode} ${res.body}`);
  return { phone, token, userId, applicationId: res.json().id };
}

export async function approvedVolunteer(t: TestApp, room: { building: number; unit: number; room: string }, body: Partial<ApplyVolunteerBody> = {}): Promise<TestVolunteer> {
  const volunteer = await applyAsResident(t, room, body);
  const admin = await t.login('13900000000');
  const res = await t.call(admin.token, { method: 'POST', url: `/api/v1/volunteer-applications/${volunteer.applicationId}/approve`, payload: {} });
  if (res.statusCode !== 200) throw new Error(`approve → ${res.statusCode} ${res.body}`);
  return volunteer;
}

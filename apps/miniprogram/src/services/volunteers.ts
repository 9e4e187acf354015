// Volunteers: a resident's application, staff decisions, and call-ups (一键召集) with answers; typed by the shared contract.
import {
  CallUpDetail, CallUpList, MyCallUp, MyCallUpList, OwnVolunteerApplication, VolunteerApplication, VolunteerApplicationList, VolunteerPhone,
  type ApplyVolunteerBody, type CallUpAnswer, type CreateCallUpBody, type VolunteerApplicationStatus, type VolunteerDecision,
} from '@linli/shared';
import { api } from './api';

const id = (value: string) => encodeURIComponent(value);

export function myVolunteerApplication() {
  return api.get('/api/v1/volunteer-applications/mine', OwnVolunteerApplication);
}

export function applyToVolunteer(body: ApplyVolunteerBody) {
  return api.post('/api/v1/volunteer-applications', VolunteerApplication, body);
}

export function listVolunteerApplications(status: VolunteerApplicationStatus) {
  return api.getAllPages('/api/v1/volunteer-applications', VolunteerApplicationList, { status });
}

export function decideVolunteerApplication(applicationId: string, decision: VolunteerDecision, reason?: string) {
  return api.post(`/api/v1/volunteer-applications/${id(applicationId)}/${decision}`, VolunteerApplication, reason ? { reason } : {});
}

/** The full number, for a call; the server writes every staff read to the audit log. */
export function revealVolunteerPhone(applicationId: string) {
  return api.get(`/api/v1/volunteer-applications/${id(applicationId)}/phone`, VolunteerPhone);
}

export function createCallUp(body: CreateCallUpBody) {
  return api.post('/api/v1/call-ups', CallUpDetail, body);
}

export function listCallUps() {
  return api.get('/api/v1/call-ups', CallUpList, { limit: 50 });
}

export function getCallUp(callUpId: string) {
  return api.get(`/api/v1/call-ups/${id(callUpId)}`, CallUpDetail);
}

export function closeCallUp(callUpId: string) {
  return api.post(`/api/v1/call-ups/${id(callUpId)}/close`, CallUpDetail);
}

export function myCallUps() {
  return api.get('/api/v1/call-ups/mine', MyCallUpList);
}

export function answerCallUp(callUpId: string, answer: CallUpAnswer) {
  return api.post(`/api/v1/call-ups/${id(callUpId)}/answer`, MyCallUp, { answer });
}

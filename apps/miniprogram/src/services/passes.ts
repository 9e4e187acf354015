// Entry passes: the household's pass and QR token, the gate scan, and the staff views (policy, passes, who is out).
import {
  GateScanResult, IssueBuildingPassesResult, MyPasses, Pass, PassList, PassPolicy, PassToken, PassTripList, TodayExitsByBuilding,
  type GateDirection, type IssuePassBody, type PassPolicyBody,
} from '@linli/shared';
import { api, request } from './api';

export function getMyPasses() {
  return api.get('/api/v1/passes/mine', MyPasses);
}

/** A fresh 60-second QR token; the page asks again every `refreshAfterSeconds`. */
export function getPassToken(passId: string) {
  return api.get(`/api/v1/passes/${encodeURIComponent(passId)}/token`, PassToken);
}

export function scanAtGate(token: string, direction: GateDirection) {
  return api.post('/api/v1/gate/scans', GateScanResult, { token, direction });
}

export function getPassPolicy() {
  return api.get('/api/v1/pass-policy', PassPolicy);
}

export function savePassPolicy(body: PassPolicyBody) {
  return request('/api/v1/pass-policy', { method: 'PUT', schema: PassPolicy, body });
}

export function listMedicalExceptions() {
  return api.getAllPages('/api/v1/passes', PassList, { kind: 'medical', status: 'active' });
}

export function issuePass(body: Omit<IssuePassBody, 'kind'> & { kind: IssuePassBody['kind'] }) {
  return api.post('/api/v1/passes', Pass, body);
}

export function revokePass(passId: string) {
  return api.post(`/api/v1/passes/${encodeURIComponent(passId)}/revoke`, Pass);
}

export function issueBuildingPasses(buildingId: string) {
  return api.post(`/api/v1/buildings/${encodeURIComponent(buildingId)}/passes`, IssueBuildingPassesResult);
}

export function listTripsOut() {
  return api.getAllPages('/api/v1/pass-trips', PassTripList, { state: 'out' });
}

export function getTodayExits() {
  return api.get('/api/v1/pass-trips/today', TodayExitsByBuilding);
}

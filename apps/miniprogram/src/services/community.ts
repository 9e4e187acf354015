// Buildings, households, household bindings, grids and their workers, and the audit log.
import {
  AuditList,
  Binding,
  BindingList,
  BuildingList,
  GridDetail,
  GridList,
  Household,
  HouseholdList,
  PersonPhone,
  type AssignGridWorkerBody,
  type BindingStatus,
  type CreateBindingBody,
} from '@linli/shared';
import { api } from './api';

/** Every building of the community, for a resident picking theirs. */
export function listBuildingDirectory() {
  return api.get('/api/v1/buildings/directory', BuildingList);
}

/** Buildings in the caller's scope (staff). */
export function listBuildings() {
  return api.getAllPages('/api/v1/buildings', BuildingList);
}

export function listBuildingHouseholds(buildingId: string) {
  return api.getAllPages(`/api/v1/buildings/${encodeURIComponent(buildingId)}/households`, HouseholdList);
}

export function getHousehold(householdId: string) {
  return api.get(`/api/v1/households/${encodeURIComponent(householdId)}`, Household);
}

/** The full number of one person, for a call; the server writes every staff read to the audit log. */
export function revealPersonPhone(personId: string) {
  return api.get(`/api/v1/persons/${encodeURIComponent(personId)}/phone`, PersonPhone);
}

export function listBindings(status?: BindingStatus) {
  return api.getAllPages('/api/v1/household-bindings', BindingList, { status });
}

export function requestBinding(body: CreateBindingBody) {
  return api.post('/api/v1/household-bindings', Binding, body);
}

export function approveBinding(bindingId: string) {
  return api.post(`/api/v1/household-bindings/${encodeURIComponent(bindingId)}/approve`, Binding);
}

export function rejectBinding(bindingId: string, reason?: string) {
  return api.post(`/api/v1/household-bindings/${encodeURIComponent(bindingId)}/reject`, Binding, reason ? { reason } : {});
}

/** The audit log, newest first, one page at a time (admins). */
export function listAuditEntries(cursor?: string) {
  return api.get('/api/v1/audit', AuditList, { limit: 30, cursor });
}

/** Grids with their buildings and grid workers (admins see every grid of their community). */
export function listGrids() {
  return api.get('/api/v1/grids', GridList);
}

export function assignGridWorker(gridId: string, body: AssignGridWorkerBody) {
  return api.post(`/api/v1/grids/${encodeURIComponent(gridId)}/workers`, GridDetail, body);
}

export function removeGridWorker(gridId: string, userId: string) {
  return api.delete(`/api/v1/grids/${encodeURIComponent(gridId)}/workers/${encodeURIComponent(userId)}`);
}

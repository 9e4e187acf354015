// Check-ins, alerts, 求助, care roster, testing rounds and the staff dashboard.
import Taro from '@tarojs/taro';
import {
  Alert, AlertList, CareRoster, CareVisit, Dashboard, HelpRequest, HelpRequestList, HouseholdCheckinResult, HouseholdCheckinStatus,
  MissedCheckins, TestingRound, TestingRoundList, type CheckinEntryInput, type CreateHelpRequestBody, type FollowUpStatus,
} from '@linli/shared';
import { api, ApiError, clientErrorCodes } from './api';
import { apiBase, isH5 } from './platform';
import { readTokens } from './storage';

const id = (value: string) => encodeURIComponent(value);

export function householdCheckins(householdId: string, date?: string) {
  return api.get(`/api/v1/households/${id(householdId)}/checkins`, HouseholdCheckinStatus, { date });
}

export function submitCheckins(entries: CheckinEntryInput[]) {
  return api.post('/api/v1/checkins', HouseholdCheckinResult, { entries });
}

export function listTestingRounds() {
  return api.get('/api/v1/testing-rounds', TestingRoundList);
}

export function markTestingBuildingDone(roundId: string, buildingId: string) {
  return api.post(`/api/v1/testing-rounds/${id(roundId)}/buildings/${id(buildingId)}/done`, TestingRound);
}

export function askForHelp(body: CreateHelpRequestBody) {
  return api.post('/api/v1/help-requests', HelpRequest, body);
}

export function listHelpRequests(status?: FollowUpStatus) {
  return api.get('/api/v1/help-requests', HelpRequestList, { status });
}

export function moveHelpRequest(helpRequestId: string, verb: 'acknowledge' | 'resolve', note?: string) {
  return api.post(`/api/v1/help-requests/${id(helpRequestId)}/${verb}`, HelpRequest, note ? { note } : {});
}

export function listAlerts(status?: FollowUpStatus) {
  return api.get('/api/v1/alerts', AlertList, { status });
}

export function moveAlert(alertId: string, verb: 'acknowledge' | 'resolve', note?: string) {
  return api.post(`/api/v1/alerts/${id(alertId)}/${verb}`, Alert, note ? { note } : {});
}

export function missedCheckins() {
  return api.get('/api/v1/checkins/missed', MissedCheckins);
}

export function careRoster() {
  return api.get('/api/v1/care-roster', CareRoster);
}

export function recordCareVisit(personId: string, note?: string) {
  return api.post(`/api/v1/persons/${id(personId)}/care-visits`, CareVisit, note ? { note } : {});
}

export function fetchDashboard() {
  return api.get('/api/v1/dashboard', Dashboard);
}

/**
 * Downloads the day's report CSV with the access token (a plain link could not carry it): saved by the browser on h5,
 * opened with the system viewer in the mini-program.
 */
export async function downloadCheckinExport(date: string): Promise<void> {
  const token = readTokens()?.accessToken;
  const url = `${apiBase}/api/v1/checkins/export.csv?date=${encodeURIComponent(date)}`;
  const header: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  if (isH5) {
    const res = await fetch(url, { headers: header });
    if (!res.ok) throw new ApiError(clientErrorCodes.badResponse, `导出失败（${res.status}）`, res.status);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await res.blob());
    link.download = `打卡日报-${date}.csv`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    return;
  }
  const file = await Taro.downloadFile({ url, header });
  if (file.statusCode !== 200) throw new ApiError(clientErrorCodes.badResponse, `导出失败（${file.statusCode}）`, file.statusCode);
  await Taro.openDocument({ filePath: file.tempFilePath, fileType: 'xlsx' as never, showMenu: true });
}

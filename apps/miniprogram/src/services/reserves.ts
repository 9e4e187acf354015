// Emergency reserves: items and stock, the ledger, building distributions and the CSV export (staff).
import {
  DistributionResult, LedgerEntry, LedgerEntryList, ReserveItem, ReserveItemList,
  type CreateReserveItemBody, type DistributionBody, type LedgerEntryBody, type UpdateReserveItemBody,
} from '@linli/shared';
import { api, ApiError, request } from './api';
import { apiBase, isH5 } from './platform';
import { readTokens } from './storage';

export function listReserveItems() {
  return api.get('/api/v1/reserve-items', ReserveItemList);
}

export function createReserveItem(body: CreateReserveItemBody) {
  return api.post('/api/v1/reserve-items', ReserveItem, body);
}

export function updateReserveItem(itemId: string, body: UpdateReserveItemBody) {
  return request(`/api/v1/reserve-items/${encodeURIComponent(itemId)}`, { method: 'PATCH', schema: ReserveItem, body });
}

export function listLedger(itemId: string) {
  return api.get(`/api/v1/reserve-items/${encodeURIComponent(itemId)}/entries`, LedgerEntryList, { limit: 100 });
}

export function recordLedgerEntry(itemId: string, body: LedgerEntryBody) {
  return api.post(`/api/v1/reserve-items/${encodeURIComponent(itemId)}/entries`, LedgerEntry, body);
}

export function distribute(itemId: string, body: DistributionBody) {
  return api.post(`/api/v1/reserve-items/${encodeURIComponent(itemId)}/distributions`, DistributionResult, body);
}

/** Downloads the ledger CSV in the browser (the request needs the bearer token, so a plain link would not do). */
export async function downloadLedgerCsv(itemId?: string): Promise<void> {
  if (!isH5) throw new ApiError('NOT_SUPPORTED', '请在电脑浏览器中打开邻里导出台账', 0);
  const token = readTokens()?.accessToken;
  const res = await fetch(`${apiBase}/api/v1/reserve-ledger.csv${itemId ? `?itemId=${encodeURIComponent(itemId)}` : ''}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new ApiError('EXPORT_FAILED', `导出失败（${res.status}），请稍后重试`, res.status);
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = '物资台账.csv';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);

}

// Group buys, orders and the picking list, typed by the shared contract.
import {
  GroupBuy, GroupBuyList, Order, OrderList, PackAllResult, PickingList, ProductList,
  type CreateGroupBuyBody, type OrderStatus, type PlaceOrderBody, type UpdateGroupBuyBody,
} from '@linli/shared';
import { api, request } from './api';
import { apiBase } from './platform';
import { readTokens } from './storage';

const id = (value: string) => encodeURIComponent(value);

export function listGroupBuys() {
  return api.get('/api/v1/group-buys', GroupBuyList);
}

export function getGroupBuy(groupBuyId: string) {
  return api.get(`/api/v1/group-buys/${id(groupBuyId)}`, GroupBuy);
}

/** A new key for one order attempt; retries of that attempt send the same key, so at most one order is made. */
export function newIdempotencyKey(): string {
  const random = Array.from({ length: 4 }, () => Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0')).join('');
  return `order-${Date.now().toString(36)}-${random}`;
}

export function placeOrder(body: PlaceOrderBody, idempotencyKey: string) {
  return request('/api/v1/orders', { method: 'POST', body, schema: Order, headers: { 'Idempotency-Key': idempotencyKey } });
}

export function listMyOrders() {
  return api.getAllPages('/api/v1/orders', OrderList);
}

export function cancelOrder(orderId: string) {
  return api.post(`/api/v1/orders/${id(orderId)}/cancel`, Order);
}

// Staff
export function listBuildingOrders(buildingId: string, status?: OrderStatus) {
  return api.getAllPages('/api/v1/orders', OrderList, { buildingId, status });
}

export function packOrder(orderId: string) {
  return api.post(`/api/v1/orders/${id(orderId)}/pack`, Order);
}

export function packAllOfBuilding(buildingId: string) {
  return api.post(`/api/v1/buildings/${id(buildingId)}/orders/pack`, PackAllResult);
}

export function getPickingList(buildingId: string) {
  return api.get(`/api/v1/buildings/${id(buildingId)}/picking-list`, PickingList);
}

/** h5 only: fetch the printable page or CSV with the caller's token and open or save it. */
export async function openPickingListFile(buildingId: string, kind: 'html' | 'csv', buildingName: string) {
  const token = readTokens()?.accessToken;
  const res = await fetch(`${apiBase}/api/v1/buildings/${id(buildingId)}/picking-list.${kind}`, { headers: { Authorization: `Bearer ${token ?? ''}` } });
  if (!res.ok) throw new Error(`分拣单下载失败（${res.status}）`);
  const url = URL.createObjectURL(await res.blob());
  if (kind === 'html') {
    window.open(url, '_blank');
  } else {
    const link = document.createElement('a');
    link.href = url;
    link.download = `分拣单-${buildingName}.csv`;
    link.click();
  }
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function listProducts() {
  return api.get('/api/v1/products', ProductList);
}

export function createGroupBuy(body: CreateGroupBuyBody) {
  return api.post('/api/v1/group-buys', GroupBuy, body);
}

export function updateGroupBuy(groupBuyId: string, body: UpdateGroupBuyBody) {
  return request(`/api/v1/group-buys/${id(groupBuyId)}`, { method: 'PATCH', body, schema: GroupBuy });
}

export function publishGroupBuy(groupBuyId: string) {
  return api.post(`/api/v1/group-buys/${id(groupBuyId)}/publish`, GroupBuy);
}

export function closeGroupBuy(groupBuyId: string) {
  return api.post(`/api/v1/group-buys/${id(groupBuyId)}/close`, GroupBuy);
}

/** Milliseconds until `instant` by the server's clock: a phone with a wrong clock still counts down right. */
export function msUntil(instant: string, serverNow: string, loadedAtLocal: number): number {
  const elapsed = Date.now() - loadedAtLocal;
  return Date.parse(instant) - (Date.parse(serverNow) + elapsed);
}

/** 2天3小时 / 3小时05分 / 04分09秒 */
export function countdownText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}天${h}小时`;
  if (h > 0) return `${h}小时${pad(m)}分`;
  return `${pad(m)}分${pad(sec)}秒`;
}


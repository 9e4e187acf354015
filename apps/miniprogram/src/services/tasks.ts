// Volunteer tasks: the hall, claiming, handover against the household's code, 放门口; the staff task board.
// Typed by the shared contract.
import {
  canTransition, ConfirmedDelivery, CreatedDeliveryTasks, HandOverResult, RevealedPhone, Task, TaskDetail, TaskList, taskTransitions,
  type TaskKind, type TaskStatus,
} from '@linli/shared';
import { api, request } from './api';
import type { PickedPhoto } from './medicine';

const id = (value: string) => encodeURIComponent(value);

export function listTasks(query: { kind?: TaskKind; status?: TaskStatus; buildingId?: string } = {}) {
  return api.get('/api/v1/tasks', TaskList, { ...query, limit: 100 });
}

export function listMyTasks() {
  return api.get('/api/v1/tasks/mine', TaskList, { limit: 100 });
}

export function getTask(taskId: string) {
  return api.get(`/api/v1/tasks/${id(taskId)}`, TaskDetail);
}

export function claimTask(taskId: string) {
  return api.post(`/api/v1/tasks/${id(taskId)}/claim`, Task);
}

export function releaseTask(taskId: string) {
  return api.post(`/api/v1/tasks/${id(taskId)}/release`, Task);
}

export function completeTask(taskId: string, note?: string) {
  return api.post(`/api/v1/tasks/${id(taskId)}/complete`, TaskDetail, note ? { note } : {});
}

export function handOver(taskId: string, orderId: string, code: string) {
  return api.post(`/api/v1/tasks/${id(taskId)}/deliveries`, HandOverResult, { orderId, code });
}

export function leaveAtDoor(taskId: string, orderId: string, photo: PickedPhoto) {
  return request(`/api/v1/tasks/${id(taskId)}/orders/${id(orderId)}/door-photo`, { method: 'PUT', body: photo.bytes, contentType: photo.type, schema: TaskDetail });
}

export function revealPhone(taskId: string, householdId: string) {
  return api.get(`/api/v1/tasks/${id(taskId)}/households/${id(householdId)}/phone`, RevealedPhone);
}

export function createDeliveryTasks(buildingId: string) {
  return api.post('/api/v1/delivery-tasks', CreatedDeliveryTasks, { buildingId });
}

export function unlockOrder(taskId: string, orderId: string) {
  return api.post(`/api/v1/tasks/${id(taskId)}/orders/${id(orderId)}/unlock`, TaskDetail);
}

export function confirmDelivery(orderId: string) {
  return api.post(`/api/v1/orders/${id(orderId)}/confirm-delivery`, ConfirmedDelivery);
}

/** Whether the shared task machine allows the move (the buttons follow it). */
export const taskCan = (from: TaskStatus, to: TaskStatus) => canTransition(taskTransitions, from, to);

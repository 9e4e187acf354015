// 代购药: a household asks for a medicine run (with an optional photo of the prescription or box), staff of the
// building accept or decline it; typed by the shared contract.
import Taro from '@tarojs/taro';
import {
  canTransition, MedicineRequest, MedicineRequestList, medicinePhotoMaxBytes, medicinePhotoTypes, medicineRequestTransitions,
  type CreateMedicineRequestBody, type MedicineRequestStatus,
} from '@linli/shared';
import { api, ApiError, request } from './api';
import { apiBase, isH5 } from './platform';
import { readTokens } from './storage';

const id = (value: string) => encodeURIComponent(value);

export type MedicinePhotoType = (typeof medicinePhotoTypes)[number];
export interface PickedPhoto {
  bytes: ArrayBuffer;
  type: MedicinePhotoType;
  /** Shown as a preview before sending: an object URL on h5, the temp file path on weapp. */
  previewUrl: string;
}

const typeByExtension: Record<string, MedicinePhotoType> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

function photoTypeOf(nameOrMime: string): MedicinePhotoType | null {
  if ((medicinePhotoTypes as readonly string[]).includes(nameOrMime)) return nameOrMime as MedicinePhotoType;
  const extension = nameOrMime.split('.').pop()?.toLowerCase() ?? '';
  return typeByExtension[extension] ?? null;
}

function pickInBrowser(): Promise<PickedPhoto | null> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = medicinePhotoTypes.join(',');
    input.style.display = 'none';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return resolve(null);
      const type = photoTypeOf(file.type) ?? photoTypeOf(file.name);
      if (!type) return reject(new ApiError('UNSUPPORTED_MEDIA_TYPE', '请选择 JPEG、PNG 或 WebP 图片', 415));
      file.arrayBuffer().then((bytes) => resolve({ bytes, type, previewUrl: URL.createObjectURL(file) }), reject);
    });
    document.body.appendChild(input);
    input.click();
  });
}

async function pickInWechat(): Promise<PickedPhoto | null> {
  const chosen = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['camera', 'album'] }).catch(() => null);
  const path = chosen?.tempFilePaths[0];
  if (!path) return null;
  const type = photoTypeOf(path);
  if (!type) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', '请选择 JPEG、PNG 或 WebP 图片', 415);
  const bytes = Taro.getFileSystemManager().readFileSync(path) as ArrayBuffer;
  return { bytes, type, previewUrl: path };
}

/** Lets the user take or choose a photo; null when they cancel. Refuses one over the server's 5 MB limit up front. */
export async function pickMedicinePhoto(): Promise<PickedPhoto | null> {
  const picked = isH5 ? await pickInBrowser() : await pickInWechat();
  if (picked && picked.bytes.byteLength > medicinePhotoMaxBytes) {
    throw new ApiError('PAYLOAD_TOO_LARGE', '照片超过 5 MB，请重新拍一张', 413);
  }
  return picked;
}

export function createMedicineRequest(body: CreateMedicineRequestBody) {
  return api.post('/api/v1/medicine-requests', MedicineRequest, body);
}

/** The raw image bytes go up as the body; the server checks them by their content, not by the name. */
export function uploadMedicinePhoto(requestId: string, photo: PickedPhoto) {
  return request(`/api/v1/medicine-requests/${id(requestId)}/photo`, { method: 'PUT', body: photo.bytes, contentType: photo.type, schema: MedicineRequest });
}

/** The caller's own households' requests. */
export function listMyMedicineRequests() {
  return api.get('/api/v1/medicine-requests', MedicineRequestList);
}

/** Staff: one building's requests, optionally of one status. */
export function listBuildingMedicineRequests(buildingId: string, status?: MedicineRequestStatus) {
  return api.get('/api/v1/medicine-requests', MedicineRequestList, { buildingId, status, limit: 100 });
}

export function acceptMedicineRequest(requestId: string) {
  return api.post(`/api/v1/medicine-requests/${id(requestId)}/accept`, MedicineRequest);
}

export function declineMedicineRequest(requestId: string, reason: string) {
  return api.post(`/api/v1/medicine-requests/${id(requestId)}/decline`, MedicineRequest, { reason });
}

export function cancelMedicineRequest(requestId: string) {
  return api.post(`/api/v1/medicine-requests/${id(requestId)}/cancel`, MedicineRequest);
}

/** The household may withdraw while nobody has delivered yet (the shared state machine says when). */
export function medicineRequestCancellable(status: MedicineRequestStatus): boolean {
  return canTransition(medicineRequestTransitions, status, 'cancelled');
}

/** Shows the attached photo: it needs the caller's token, so it is fetched, then opened (h5) or previewed (weapp). */
export async function viewMedicinePhoto(requestId: string): Promise<void> {
  const token = readTokens()?.accessToken ?? '';
  const url = `${apiBase}/api/v1/medicine-requests/${id(requestId)}/photo`;
  if (isH5) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new ApiError('HTTP_ERROR', `照片加载失败（${res.status}）`, res.status);
    const objectUrl = URL.createObjectURL(await res.blob());
    window.open(objectUrl, '_blank');
    setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
    return;
  }
  const downloaded = await Taro.downloadFile({ url, header: { Authorization: `Bearer ${token}` } });
  if (downloaded.statusCode !== 200) throw new ApiError('HTTP_ERROR', `照片加载失败（${downloaded.statusCode}）`, downloaded.statusCode);
  await Taro.previewImage({ urls: [downloaded.tempFilePath] });
}

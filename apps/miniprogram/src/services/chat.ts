// Building group chats and notices: REST calls typed by the shared schemas, image upload/download with the token.
import Taro from '@tarojs/taro';
import {
  Ack, ChatGroupDetail, ChatGroupList, ChatImage, ChatMemberList, ChatMessage, MessageList, Mute, Notice, NoticeList, NoticeStats, ReadMark,
  type CreateNoticeBody, type PostMessageBody,
} from '@linli/shared';
import { api, ApiError, request } from './api';
import { apiBase } from './platform';
import { readTokens } from './storage';

const enc = encodeURIComponent;

export const listChats = () => api.get('/api/v1/chats', ChatGroupList);
export const getChat = (groupId: string) => api.get(`/api/v1/chats/${enc(groupId)}`, ChatGroupDetail);
export const listMessages = (groupId: string, query: { after?: number; before?: number; limit?: number }) =>
  api.get(`/api/v1/chats/${enc(groupId)}/messages`, MessageList, query);
export const postMessage = (groupId: string, body: Partial<PostMessageBody> & { clientId: string }) =>
  api.post(`/api/v1/chats/${enc(groupId)}/messages`, ChatMessage, body);
export const recallMessage = (groupId: string, messageId: string) =>
  request(`/api/v1/chats/${enc(groupId)}/messages/${enc(messageId)}`, { method: 'DELETE', schema: ChatMessage });
export const markRead = (groupId: string, seq: number) => api.post(`/api/v1/chats/${enc(groupId)}/read`, ReadMark, { seq });
export const listMembers = (groupId: string) => api.get(`/api/v1/chats/${enc(groupId)}/members`, ChatMemberList);
/** Staff: mute a member for `minutes` (0 lifts the mute). */
export const muteMember = (groupId: string, userId: string, minutes: number) =>
  api.post(`/api/v1/chats/${enc(groupId)}/mutes`, Mute, { userId, minutes });

/** A fresh id for a message being sent, kept for its retries so a re-send is never a duplicate. */
export function newClientId(): string {
  return `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/** Uploads a picked image (multipart, field "file"); the server checks type and size by the bytes. */
export async function uploadImage(groupId: string, filePath: string) {
  const token = readTokens()?.accessToken ?? '';
  const res = await Taro.uploadFile({
    url: `${apiBase}/api/v1/chats/${enc(groupId)}/images`,
    filePath,
    name: 'file',
    header: { Authorization: `Bearer ${token}` },
  });
  const data = typeof res.data === 'string' ? JSON.parse(res.data || '{}') : res.data;
  if (res.statusCode !== 201) throw new ApiError(data?.error?.code ?? 'HTTP_ERROR', data?.error?.message ?? '图片上传失败', res.statusCode);
  return ChatImage.parse(data);
}

const imageCache = new Map<string, Promise<string>>();
/** Images are served only with the token, so they are downloaded (once) to a local path an <Image> can show. */
export function imagePath(groupId: string, imageId: string): Promise<string> {
  let cached = imageCache.get(imageId);
  if (!cached) {
    cached = Taro.downloadFile({
      url: `${apiBase}/api/v1/chats/${enc(groupId)}/images/${enc(imageId)}`,
      header: { Authorization: `Bearer ${readTokens()?.accessToken ?? ''}` },
    }).then((res) => {
      if (res.statusCode !== 200) throw new Error(`image ${res.statusCode}`);
      return res.tempFilePath;
    });
    cached.catch(() => imageCache.delete(imageId));
    imageCache.set(imageId, cached);
  }
  return cached;
}

export const listNotices = () => api.get('/api/v1/notices', NoticeList, { limit: 50 });
export const getNotice = (id: string) => api.get(`/api/v1/notices/${enc(id)}`, Notice);
export const createNotice = (body: Partial<CreateNoticeBody>) => api.post('/api/v1/notices', Notice, body);
export const acknowledgeNotice = (id: string) => api.post(`/api/v1/notices/${enc(id)}/ack`, Ack, {});
export const noticeStats = (id: string) => api.get(`/api/v1/notices/${enc(id)}/stats`, NoticeStats);

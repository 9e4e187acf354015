// Logging in and out, and who the current user is (GET /me).
import Taro from '@tarojs/taro';
import { z } from 'zod';
import { LoginResponse, MeResponse, type User } from '@linli/shared';
import { api, endSession, request } from './api';
import { readTokens, saveTokens } from './storage';

async function startSession(path: string, body: object): Promise<User> {
  const login = await request(path, { method: 'POST', body, schema: LoginResponse, auth: false });
  saveTokens({ accessToken: login.accessToken, refreshToken: login.refreshToken });
  return login.user;
}

/** Demo and h5 log-in by phone; the server refuses it when dev log-in is disabled. */
export function loginWithPhone(phone: string): Promise<User> {
  return startSession('/api/v1/auth/dev-login', { phone });
}

/** WeChat log-in: a one-time code from wx.login, exchanged by the server (code2session). */
export async function loginWithWechat(): Promise<User> {
  const { code } = await Taro.login();
  return startSession('/api/v1/auth/wechat', { code });
}

/** Revokes the refresh token on the server when it can; the local session ends either way. */
export async function logout(): Promise<void> {
  const tokens = readTokens();
  try {
    if (tokens) {
      await request('/api/v1/auth/logout', {
        method: 'POST',
        body: { refreshToken: tokens.refreshToken },
        schema: z.unknown(),
        auth: false, // the refresh token in the body is the credential
      });
    }
  } catch (error) {
    // Still leave: a dead or unreachable session must not keep the user logged in on this device.
    console.warn('[auth] logout request failed', error);
  } finally {
    endSession();
  }
}

export function fetchMe(): Promise<MeResponse> {
  return api.get('/api/v1/me', MeResponse);
}

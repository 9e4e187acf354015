// Token storage: the access/refresh pair survives restarts in the platform's key-value storage.
import Taro from '@tarojs/taro';

const accessKey = 'linli.accessToken';
const refreshKey = 'linli.refreshToken';

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
}

function readString(key: string): string | null {
  const value: unknown = Taro.getStorageSync(key);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function readTokens(): StoredTokens | null {
  const accessToken = readString(accessKey);
  const refreshToken = readString(refreshKey);
  return accessToken && refreshToken ? { accessToken, refreshToken } : null;
}

export function saveTokens(tokens: StoredTokens): void {
  Taro.setStorageSync(accessKey, tokens.accessToken);
  Taro.setStorageSync(refreshKey, tokens.refreshToken);
}

export function clearTokens(): void {
  Taro.removeStorageSync(accessKey);
  Taro.removeStorageSync(refreshKey);
}

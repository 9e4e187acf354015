// The QR token of a pass: opaque pass id + mint time + random nonce, HMAC-signed; valid for one minute, usable once.
// Binary, then base64url, so the QR code stays small (59 characters after the prefix): nothing in it names a person.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { passTokenLifetimeSeconds } from '@linli/shared';

const prefix = 'LP1.';
const macBytes = 16;
const payloadBytes = 16 + 4 + 8;
// A gate phone's clock may run a little behind the server that minted the token.
const futureSkewSeconds = 30;

export interface PassTokenClaims {
  passId: string;
  issuedAt: number; // unix seconds
  nonce: string; // hex
}

export type PassTokenCheck =
  | { ok: true; claims: PassTokenClaims; expiresAt: number }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** The signing key: PASS_TOKEN_SECRET if set, else derived from JWT_SECRET so the two keys never coincide. */
export function passTokenKey(secret: string, derived: boolean): Buffer {
  return derived ? createHmac('sha256', secret).update('linli/pass-token/v1').digest() : Buffer.from(secret, 'utf8');
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function uuidOf(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function mac(key: Buffer, payload: Buffer): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, macBytes);
}

export function signPassToken(key: Buffer, claims: { passId: string; issuedAt: number; nonce?: string }): { token: string; expiresAt: number } {
  const payload = Buffer.alloc(payloadBytes);
  uuidBytes(claims.passId).copy(payload, 0);
  payload.writeUInt32BE(claims.issuedAt, 16);
  (claims.nonce ? Buffer.from(claims.nonce, 'hex') : randomBytes(8)).copy(payload, 20);
  return {
    token: prefix + Buffer.concat([payload, mac(key, payload)]).toString('base64url'),
    expiresAt: claims.issuedAt + passTokenLifetimeSeconds,
  };
}

export function verifyPassToken(key: Buffer, token: string, nowSeconds: number): PassTokenCheck {
  if (!token.startsWith(prefix)) return { ok: false, reason: 'malformed' };
  const body = token.slice(prefix.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(body, 'base64url');
  if (raw.length !== payloadBytes + macBytes) return { ok: false, reason: 'malformed' };
  const payload = raw.subarray(0, payloadBytes);
  if (!timingSafeEqual(mac(key, payload), raw.subarray(payloadBytes))) return { ok: false, reason: 'bad_signature' };
  const issuedAt = payload.readUInt32BE(16);
  const expiresAt = issuedAt + passTokenLifetimeSeconds;
  if (nowSeconds >= expiresAt || issuedAt > nowSeconds + futureSkewSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { passId: uuidOf(payload.subarray(0, 16)), issuedAt, nonce: payload.subarray(20).toString('hex') }, expiresAt };
}

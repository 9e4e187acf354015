import { z } from 'zod';

// Mainland mobile numbers: 11 digits starting with 1[3-9].
export const Phone = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, { message: '请输入 11 位手机号' });

/** 13801110100 → 138****0100. Anything not phone-shaped is masked whole. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  if (/^\d{11}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  return '*'.repeat(Math.min(phone.length, 11));
}

// The one error body every endpoint returns, and the codes clients may branch on: every code the server answers
// with is in this list (AppError takes only these).
import { z } from 'zod';

export const errorCodes = [
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_TRANSITION',
  'ALREADY_BOUND',
  'RATE_LIMITED',
  'DEV_LOGIN_DISABLED',
  'WECHAT_LOGIN_FAILED',
  'REFRESH_TOKEN_INVALID',
  'REFRESH_TOKEN_REUSED',
  'IMPORT_INVALID',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
  'MUTED',
  'RECALL_WINDOW_PASSED',
  'UNSUPPORTED_IMAGE',
  'UPGRADE_REQUIRED',
  'MALFORMED_MULTIPART',
  'URI_TOO_LONG',
  'BAD_URL',
  // Check-ins
  'MIXED_HOUSEHOLDS',
  // Supplies (group buys and orders)
  'OUT_OF_STOCK', 'LIMIT_EXCEEDED', 'GROUP_BUY_CLOSED', 'GROUP_BUY_NOT_OPEN', 'IDEMPOTENCY_KEY_REUSED', 'PRICE_CHANGED', 'ORDER_LOCKED',
  // Passes and the gate
  'PASS_TOKEN_INVALID', 'PASS_TOKEN_EXPIRED', 'PASS_TOKEN_REPLAYED', 'PASS_INACTIVE', 'PASS_QUOTA_EXCEEDED', 'ALREADY_OUT', 'NOT_OUT',
  'PASS_EXISTS', 'SELF_SCAN',
  // Reserves
  'INSUFFICIENT_STOCK', 'RESERVE_ITEM_EXISTS', 'NOBODY_TO_DISTRIBUTE',
  // Volunteers and tasks
  'ALREADY_APPLIED', 'NOT_A_VOLUNTEER', 'CALL_UP_CLOSED', 'ALREADY_CLAIMED', 'NOT_CLAIMER', 'TASK_HOLD_LIMIT', 'TASK_HAS_ORDERS',
  'ALREADY_HANDED_OVER', 'BAD_DELIVERY_CODE', 'NOTHING_TO_DELIVER', 'NOTHING_TO_THANK',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

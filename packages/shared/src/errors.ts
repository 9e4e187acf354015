// The one error body every endpoint returns, and the codes clients may branch on.
import { z } from 'zod';

export const errorCodes = [
  'VALIDATION_FAILED',
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

// Opaque keyset cursors: base64url of a small JSON position; a tampered cursor is a 400, not a 500.
import { badRequest } from './errors';

export interface CursorPosition {
  at: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPosition>;
    if (typeof parsed.at === 'string' && !Number.isNaN(Date.parse(parsed.at)) && typeof parsed.id === 'string' && /^[0-9a-f-]{36}$/i.test(parsed.id)) {
      return { at: parsed.at, id: parsed.id };
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('VALIDATION_FAILED', '分页游标无效，请从第一页重新加载', [{ field: 'cursor', in: 'querystring', message: 'invalid cursor' }]);
}

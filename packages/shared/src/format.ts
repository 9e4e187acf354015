// Display rules both sides share: money is integer fen, times are UTC instants shown in Asia/Shanghai.
export const displayTimeZone = 'Asia/Shanghai';

export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const shanghaiOffsetMs = 8 * 60 * 60 * 1000; // China has kept UTC+8 without DST since 1991.

function shanghaiParts(instant: Date | string) {
  const d = new Date(new Date(instant).getTime() + shanghaiOffsetMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

/** The calendar day (YYYY-MM-DD) of an instant in Asia/Shanghai. */
export function shanghaiDate(instant: Date | string = new Date()): string {
  return shanghaiParts(instant).date;
}

/** 2026-11-23 18:05 in Asia/Shanghai. */
export function formatShanghaiDateTime(instant: Date | string): string {
  const p = shanghaiParts(instant);
  return `${p.date} ${p.time}`;
}

/** "2026-11-25 08:00" typed as Beijing time → the ISO instant, or null when it is not that shape. */
export function parseShanghaiDateTime(text: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  return new Date(Date.UTC(y, mo - 1, d, h - 8, mi)).toISOString();
}

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

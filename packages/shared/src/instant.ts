// Instants as requests carry them (ISO 8601 with an offset), limited to the years the database stores and reads back.
import { z } from 'zod';

export const earliestInstantYear = 1970;
export const latestInstantYear = 9999;

/**
 * An ISO 8601 instant with an offset whose UTC year is 1970–9999. The format alone allows year 0000 (PostgreSQL has
 * no year 0), 0001 with a positive offset (1 BC in UTC) and 9999 with a negative one (year 10000): each was a 500.
 */
export const isoInstant = (message?: string) =>
  z.iso.datetime({ offset: true, ...(message ? { message } : {}) }).refine((value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= earliestInstantYear && year <= latestInstantYear;
  }, { message: `时间须在 ${earliestInstantYear}–${latestInstantYear} 年之间` });

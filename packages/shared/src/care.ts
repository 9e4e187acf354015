// The care roster: persons with care tags (CareTag of community.ts) in a grid, with their latest check-in, help and visit.
import { z } from 'zod';
import { isoInstant } from './instant';
import { CareTag } from './community';
import { AlertReason } from './checkins';

export const CareRosterEntry = z.object({
  personId: z.uuid(),
  name: z.string(),
  careTags: z.array(CareTag),
  householdId: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  phoneMasked: z.string().nullable(),
  lastCheckin: z.object({ day: z.string(), temperatureC: z.number(), alertReasons: z.array(AlertReason) }).nullable(),
  openHelpRequests: z.number().int(),
  lastVisit: z.object({ visitedAt: z.string(), note: z.string().nullable(), visitorName: z.string() }).nullable(),
});
export type CareRosterEntry = z.infer<typeof CareRosterEntry>;
export const CareRoster = z.object({ items: z.array(CareRosterEntry), nextCursor: z.string().nullable() });
export const CareRosterQuery = z.object({ gridId: z.uuid().optional(), careTag: CareTag.optional() }).strict();

export const CreateCareVisitBody = z
  .object({
    note: z.string().trim().max(500).optional(),
    /** When the visit happened; defaults to now. */
    visitedAt: isoInstant().optional(),
  })
  .strict();
export type CreateCareVisitBody = z.infer<typeof CreateCareVisitBody>;

export const CareVisit = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  visitedAt: z.string(),
  note: z.string().nullable(),
  visitorName: z.string(),
  /** A volunteer task asked for this visit (the volunteer tasks feature fills it); null when staff visited themselves. */
  volunteerTaskId: z.uuid().nullable(),
});
export type CareVisit = z.infer<typeof CareVisit>;

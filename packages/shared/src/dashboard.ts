// GET /dashboard: a grid worker's day at a glance, over the grids they work on.
import { z } from 'zod';
import { OrderStatus } from './supplies';
import { TaskStatus } from './tasks';

export const BuildingCompletion = z.object({
  buildingId: z.uuid(),
  buildingName: z.string(),
  persons: z.number().int(),
  checkedIn: z.number().int(),
});
export type BuildingCompletion = z.infer<typeof BuildingCompletion>;

export const Dashboard = z.object({
  day: z.string(),
  cutoff: z.string(),
  completion: z.array(BuildingCompletion),
  /** The last 7 days, oldest first: share of persons checked in. */
  trend: z.array(z.object({ day: z.string(), persons: z.number().int(), checkedIn: z.number().int() })),
  openAlerts: z.number().int(),
  openHelpRequests: z.number().int(),
  careRosterCount: z.number().int(),
  /** Orders of the grids' households in each state, every status present (0 when none). */
  ordersByStatus: z.record(OrderStatus, z.number().int()),
  /** Volunteer tasks of the grids' buildings by status (open ones wait in the hall). */
  tasksByStatus: z.record(TaskStatus, z.number().int()),
});
export type Dashboard = z.infer<typeof Dashboard>;

/** 0–100, rounded down so a building is 100% only when everyone checked in. */
export function completionPercent(checkedIn: number, total: number): number {
  return total === 0 ? 0 : Math.floor((checkedIn * 100) / total);
}

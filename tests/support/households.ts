// Finds demo households and their members by address, for tests that act as a household.
import { and, asc, eq } from 'drizzle-orm';
import { buildings, households, persons } from '@linli/server/db/schema/index';
import type { TestApp } from './app';

export interface DemoHousehold {
  id: string;
  buildingId: string;
  personIds: string[];
  names: string[];
}

export async function demoHousehold(t: TestApp, building: number, unit: string, room: string): Promise<DemoHousehold> {
  const [h] = await t.db
    .select({ id: households.id, buildingId: buildings.id })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(and(eq(buildings.name, `${building}号楼`), eq(households.unit, unit), eq(households.room, room)));
  if (!h) throw new Error(`no household ${building}-${unit}-${room}`);
  const members = await t.db.select().from(persons).where(eq(persons.householdId, h.id)).orderBy(asc(persons.createdAt), asc(persons.name));
  return { id: h.id, buildingId: h.buildingId, personIds: members.map((p) => p.id), names: members.map((p) => p.name) };
}

/** The resident phone of a demo room (see seed-demo.ts). */
export const residentPhone = (building: number, unit: number, room: string) => `138${String(building).padStart(2, '0')}${unit}${room.padStart(3, '0')}00`;

// Demo health data: today's check-ins for most households (some missing), one fever alert, a week of history for
// the trend, an open 求助 and a 核酸 round with a slot per building. Deterministic, like the rest of the demo.
import { alertReasonsOf, checkinDayOf, shiftDay } from '@linli/shared';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './client';
import {
  alerts, buildings, checkins, helpRequests, householdBindings, households, persons, roleAssignments, testingRounds, testingSlots,
} from './schema';

export async function seedDemoHealth(db: DbOrTx, communityId: string, now: Date = new Date()): Promise<void> {
  const members = await db
    .select({
      personId: persons.id,
      householdId: households.id,
      buildingId: buildings.id,
      buildingNumber: buildings.sortOrder,
      gridId: buildings.gridId,
      unit: households.unit,
      room: households.room,
    })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(eq(buildings.communityId, communityId))
    .orderBy(asc(buildings.sortOrder), asc(households.unit), asc(households.room), asc(persons.createdAt));
  const residentOf = new Map(
    (await db.select({ householdId: householdBindings.householdId, userId: householdBindings.userId }).from(householdBindings).where(eq(householdBindings.status, 'approved')))
      .map((b) => [b.householdId, b.userId]),
  );
  const today = checkinDayOf(now);
  const feverHousehold = members.find((m) => m.buildingNumber === 5 && m.unit === '1' && m.room === '301');
  // Written by the database in one statement (a few thousand rows): shipping them as parameters doubled the seed's time.
  // Today about one household in six has not checked in yet (the missed list), earlier days fewer; 1号楼 1单元 101 is
  // left for the visitor (and the browser test) to check in.
  await db.execute(sql`
    WITH numbered AS (
      SELECT h.id AS household_id, b.sort_order AS building_number, h.unit, h.room,
             (row_number() OVER (ORDER BY b.sort_order, h.unit, h.room) - 1)::int AS n
      FROM ${households} h JOIN ${buildings} b ON b.id = h.building_id WHERE b.community_id = ${communityId}
    )
    INSERT INTO ${checkins} (person_id, household_id, day, temperature_tenths, symptoms, antigen, quarantine, submitted_by, created_at, updated_at)
    SELECT p.id, p.household_id, ${today}::date - d, 360 + (x.n + d) % 9, '[]'::jsonb, 'negative', 'home', hb.user_id,
           ${now.toISOString()}::timestamptz - make_interval(days => d), ${now.toISOString()}::timestamptz - make_interval(days => d)
    FROM ${persons} p
    JOIN numbered x ON x.household_id = p.household_id
    JOIN ${householdBindings} hb ON hb.household_id = p.household_id AND hb.status = 'approved'
    CROSS JOIN generate_series(0, 6) d
    WHERE x.n % (CASE WHEN d = 0 THEN 6 ELSE 9 END) <> d % 3
      AND NOT (x.building_number = 1 AND x.unit = '1' AND x.room = '101')`);
  if (feverHousehold) {
    await db
      .insert(checkins)
      .values({
        personId: feverHousehold.personId, householdId: feverHousehold.householdId, day: today, temperatureTenths: 383,
        symptoms: ['fever', 'cough'], antigen: 'not_tested', quarantine: 'home', submittedBy: residentOf.get(feverHousehold.householdId)!,
        createdAt: now, updatedAt: now,
      })
      .onConflictDoUpdate({ target: [checkins.personId, checkins.day], set: { temperatureTenths: 383, symptoms: ['fever', 'cough'], antigen: 'not_tested' } });
  }

  if (feverHousehold) {
    const reasons = alertReasonsOf({ temperatureC: 38.3, antigen: 'not_tested', symptoms: ['fever', 'cough'] });
    await db.insert(alerts).values({
      communityId, gridId: feverHousehold.gridId, buildingId: feverHousehold.buildingId, householdId: feverHousehold.householdId,
      day: today, personId: feverHousehold.personId, reasons, temperatureTenths: 383, createdAt: now,
    });
  }
  const helpHousehold = members.find((m) => m.buildingNumber === 6 && m.unit === '2' && m.room === '502');
  if (helpHousehold) {
    await db.insert(helpRequests).values({
      communityId, gridId: helpHousehold.gridId, buildingId: helpHousehold.buildingId, householdId: helpHousehold.householdId,
      requestedBy: residentOf.get(helpHousehold.householdId)!, kind: 'medicine', urgency: 'urgent',
      details: '家中老人的降压药（硝苯地平缓释片）只剩两天的量，麻烦帮忙代购', createdAt: new Date(now.getTime() - 40 * 60_000),
    });
  }
  const [admin] = await db.select({ userId: roleAssignments.userId }).from(roleAssignments).where(and(eq(roleAssignments.communityId, communityId), eq(roleAssignments.role, 'admin')));
  const buildingRows = await db.select().from(buildings).where(eq(buildings.communityId, communityId)).orderBy(asc(buildings.sortOrder));
  if (admin && buildingRows.length) {
    const day = shiftDay(today, 1);
    const [round] = await db.insert(testingRounds).values({ communityId, title: '全员核酸检测', day, createdBy: admin.userId, createdAt: now }).returning();
    await db.insert(testingSlots).values(buildingRows.map((b, i) => {
      const start = 8 * 60 + i * 40;
      const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      return {
        roundId: round!.id, buildingId: b.id, gridId: b.gridId,
        startsAt: new Date(`${day}T${hhmm(start)}:00+08:00`), endsAt: new Date(`${day}T${hhmm(start + 40)}:00+08:00`),
      };
    }));
  }
}

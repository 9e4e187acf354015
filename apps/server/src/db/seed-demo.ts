// The demo community of DESIGN.md: 阳光社区, two grids, six buildings of 24 households, staff and volunteers.
// Deterministic (a fixed pseudo-random sequence), so screenshots and tests see the same people every time.
import { sql } from 'drizzle-orm';
import type { CareTag, PersonRelation } from '@linli/shared';
import { selectRows, type Database } from './client';
import { seedDemoChats } from './seed-demo-chats';
import { seedDemoSupplies } from './seed-supplies';
import { seedDemoTasks } from './seed-tasks';
import { seedDemoHealth } from './seed-demo-health';
import { seedDemoPassesAndReserves } from './seed-passes-reserves';
import {
  buildings, communities, grids, householdBindings, households, persons, roleAssignments, users, volunteerApplications,
} from './schema';

export const demoPhones = {
  admin: '13900000000',
  gridWorker1: '13900000001',
  gridWorker2: '13900000002',
  volunteer1: '13900000031',
  volunteer2: '13900000032',
} as const;

/** The resident account of a room: 138 + building (2 digits) + unit (1) + room (3) + 00. */
export function demoResidentPhone(building: number, unit: number, room: string): string {
  return `138${String(building).padStart(2, '0')}${unit}${room.padStart(3, '0')}00`;
}

const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const givenNames = ['建国', '秀英', '志强', '丽华', '伟', '芳', '敏', '静', '磊', '洋', '婷', '军', '杰', '娟', '涛', '明', '欣怡', '子涵', '浩然', '雨桐'];

function pseudoRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  const [row] = await selectRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM communities`);
  return Number(row?.n ?? 0) === 0;
}

export async function seedDemoCommunity(db: Database): Promise<{ communityId: string }> {
  const random = pseudoRandom(20221123);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;

  return db.transaction(async (tx) => {
    const [community] = await tx.insert(communities).values({ name: '阳光社区' }).returning();
    const communityId = community!.id;
    const gridRows = await tx
      .insert(grids)
      .values([{ communityId, name: '第一网格' }, { communityId, name: '第二网格' }])
      .returning();
    const [grid1, grid2] = gridRows as [typeof gridRows[0], typeof gridRows[0]];

    const buildingRows = await tx
      .insert(buildings)
      .values([1, 2, 3, 4, 5, 6].map((n) => ({ communityId, gridId: n <= 3 ? grid1.id : grid2.id, name: `${n}号楼`, sortOrder: n })))
      .returning();

    const householdValues = buildingRows.flatMap((b) =>
      [1, 2].flatMap((unit) =>
        [1, 2, 3, 4, 5, 6].flatMap((floor) => [1, 2].map((r) => ({ buildingId: b.id, unit: String(unit), room: `${floor}0${r}` }))),
      ),
    );
    const householdRows = await tx.insert(households).values(householdValues).returning();
    const buildingNumber = new Map(buildingRows.map((b) => [b.id, b.sortOrder]));

    const personValues: (typeof persons.$inferInsert)[] = [];
    const residentUsers: { phone: string; displayName: string; householdId: string; relation: PersonRelation }[] = [];
    householdRows.forEach((h, index) => {
      const surname = pick(surnames);
      const size = 1 + Math.floor(random() * 4);
      const rented = index % 7 === 3;
      const phone = demoResidentPhone(buildingNumber.get(h.buildingId)!, Number(h.unit), h.room);
      const hasInfant = !rented && size === 4 && index % 3 === 0;
      const relations: PersonRelation[] = rented
        ? ['renter', 'renter', 'renter', 'renter']
        : ['owner', 'spouse', 'child', hasInfant ? 'child' : 'parent'];
      // Ages follow the relations: a spouse near the owner's age, children a generation younger, parents older.
      const ownerBirthYear = rented ? 1975 + Math.floor(random() * 25) : 1958 + Math.floor(random() * 35);
      const birthYearOf = (relation: PersonRelation, i: number) => {
        if (relation === 'spouse') return ownerBirthYear - 3 + Math.floor(random() * 7);
        if (relation === 'child') return hasInfant && i === 3 ? 2024 : Math.min(ownerBirthYear + 24 + Math.floor(random() * 8), 2022);
        if (relation === 'parent') return ownerBirthYear - 32 + Math.floor(random() * 8);
        if (relation === 'renter' && i > 0) return 1975 + Math.floor(random() * 25);
        return ownerBirthYear;
      };
      const usedNames = new Set<string>();
      for (let i = 0; i < size; i++) {
        let name = `${surname}${pick(givenNames)}`;
        while (usedNames.has(name)) name = `${surname}${pick(givenNames)}${usedNames.size}`;
        usedNames.add(name);
        const careTags: CareTag[] = [];
        let birthYear = birthYearOf(relations[i]!, i);
        if (size === 1 && index % 5 === 0) {
          careTags.push('elderly_alone');
          birthYear = 1938 + Math.floor(random() * 15);
        }
        if (hasInfant && i === 3) careTags.push('infant');
        if (i === 0 && index % 11 === 4) careTags.push('chronic_medication');
        if (i === 1 && index % 13 === 6) careTags.push('pregnant');
        if (i === 0 && index % 17 === 9) careTags.push('disabled');
        personValues.push({
          householdId: h.id,
          name,
          relation: relations[i]!,
          birthYear,
          isRenter: rented,
          careTags,
          // The first member holds the household's phone; infants and some elders have none.
          phone: i === 0 ? phone : null,
        });
        if (i === 0) residentUsers.push({ phone, displayName: name, householdId: h.id, relation: relations[0]! });
      }
    });
    await tx.insert(persons).values(personValues);

    const staffUsers = await tx
      .insert(users)
      .values([
        { phone: demoPhones.admin, displayName: '社区管理员 周主任' },
        { phone: demoPhones.gridWorker1, displayName: '网格员 陈晓' },
        { phone: demoPhones.gridWorker2, displayName: '网格员 林峰' },
        { phone: demoPhones.volunteer1, displayName: '志愿者 郑阳' },
        { phone: demoPhones.volunteer2, displayName: '志愿者 何静' },
      ])
      .returning();
    const [admin, worker1, worker2, volunteer1, volunteer2] = staffUsers as [typeof staffUsers[0], typeof staffUsers[0], typeof staffUsers[0], typeof staffUsers[0], typeof staffUsers[0]];
    await tx.insert(roleAssignments).values([
      { userId: admin.id, role: 'admin', communityId },
      { userId: worker1.id, role: 'grid_worker', communityId, gridId: grid1.id },
      { userId: worker2.id, role: 'grid_worker', communityId, gridId: grid2.id },
      { userId: volunteer1.id, role: 'volunteer', communityId },
      { userId: volunteer2.id, role: 'volunteer', communityId },
    ]);
    // The demo volunteers came through the registry like anyone else: approved applications behind their role.
    const buildingIdsOf = (names: string[]) => buildingRows.filter((b) => names.includes(b.name)).map((b) => b.id);
    await tx.insert(volunteerApplications).values([
      {
        userId: volunteer1.id, communityId, skills: ['delivery', 'driving'],
        availability: [{ weekdays: [1, 2, 3, 4, 5, 6, 7], start: '07:00', end: '22:00' }],
        preferredBuildingIds: buildingIdsOf(['1号楼', '2号楼', '3号楼']), note: '有电动车，可以搬重物',
        status: 'approved' as const, decidedBy: admin.id, decidedAt: new Date(),
      },
      {
        userId: volunteer2.id, communityId, skills: ['delivery', 'medical', 'counselling'],
        availability: [{ weekdays: [1, 2, 3, 4, 5], start: '18:00', end: '22:00' }, { weekdays: [6, 7], start: '08:00', end: '20:00' }],
        preferredBuildingIds: buildingIdsOf(['4号楼', '5号楼', '6号楼']), note: '护士，周末全天有空',
        status: 'approved' as const, decidedBy: admin.id, decidedAt: new Date(),
      },
    ]);

    const residentRows = await tx
      .insert(users)
      .values(residentUsers.map((r) => ({ phone: r.phone, displayName: r.displayName })))
      .returning({ id: users.id, phone: users.phone });
    const userIdByPhone = new Map(residentRows.map((u) => [u.phone, u.id]));
    await tx.insert(roleAssignments).values(residentRows.map((u) => ({ userId: u.id, role: 'resident' as const, communityId })));
    const decidedAt = new Date();
    const gridOfBuilding = new Map(buildingRows.map((b) => [b.id, b.gridId]));
    const gridOfHousehold = new Map(householdRows.map((h) => [h.id, gridOfBuilding.get(h.buildingId)]));
    await tx.insert(householdBindings).values(
      residentUsers.map((r) => ({
        userId: userIdByPhone.get(r.phone)!,
        householdId: r.householdId,
        relation: r.relation,
        status: 'approved' as const,
        decidedBy: gridOfHousehold.get(r.householdId) === grid1.id ? worker1.id : worker2.id,
        decidedAt,
      })),
    );
    await seedDemoChats(tx, communityId, { gridWorker1: demoPhones.gridWorker1, resident: demoResidentPhone });
    await seedDemoSupplies(tx, communityId);
    await seedDemoTasks(tx, communityId);
    await seedDemoHealth(tx, communityId);
    await seedDemoPassesAndReserves(tx, communityId);
    return { communityId };
  });
}

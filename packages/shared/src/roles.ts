import { z } from 'zod';

export const Role = z.enum(['resident', 'volunteer', 'grid_worker', 'admin']);
export type Role = z.infer<typeof Role>;

export const roleLabels: Record<Role, string> = {
  resident: '居民',
  volunteer: '志愿者',
  grid_worker: '网格员',
  admin: '社区管理员',
};

export const RoleAssignment = z.object({
  role: Role,
  communityId: z.uuid(),
  gridId: z.uuid().nullable(),
});
export type RoleAssignment = z.infer<typeof RoleAssignment>;

export function isStaff(roles: readonly { role: Role }[]): boolean {
  return roles.some((r) => r.role === 'grid_worker' || r.role === 'admin');
}

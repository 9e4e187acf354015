import { z } from 'zod';
import { Phone } from './phone';
import { RoleAssignment } from './roles';

export const DevLoginBody = z.object({ phone: Phone }).strict();
export const WechatLoginBody = z.object({ code: z.string().trim().min(1).max(128) }).strict();
export const RefreshBody = z.object({ refreshToken: z.string().min(20).max(512) }).strict();
export const LogoutBody = RefreshBody;

export const User = z.object({
  id: z.uuid(),
  displayName: z.string(),
  phone: z.string().nullable(),
  hasWechat: z.boolean(),
});
export type User = z.infer<typeof User>;

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  accessTokenExpiresIn: z.number().int(),
});
export const LoginResponse = TokenPair.extend({ user: User });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const MeHousehold = z.object({
  id: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  gridId: z.uuid(),
});
export type MeHousehold = z.infer<typeof MeHousehold>;

export const MeResponse = z.object({
  user: User,
  roles: z.array(RoleAssignment),
  households: z.array(MeHousehold),
});
export type MeResponse = z.infer<typeof MeResponse>;

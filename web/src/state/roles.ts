/**
 * Session roles and permissions (ids of the protocol, §4.1): what a role allows and how roles rank.
 * Predefined roles are 1 member, 2 admin, 3 owner; custom roles (AddRole) have ids from 4 up and
 * carry the permissions they were created with.
 */

export const Perm = {
  SendMsg: 1,
  RecallOtherMsg: 2,
  Ban: 3,
  Unban: 4,
  Kick: 5,
  SetTitle: 6,
  SetAvatar: 7,
  SetDescription: 8,
  DeleteSession: 9,
  SetRole: 10,
  Mute: 11,
  Unmute: 12,
  AcceptJoin: 13,
  E2eeize: 14,
} as const;
export type Perm = (typeof Perm)[keyof typeof Perm];

/** Every permission id, in protocol order. */
export const ALL_PERMISSIONS: readonly number[] = Array.from({ length: 14 }, (_, i) => i + 1);

export const ROLE_MEMBER = 1n;
export const ROLE_ADMIN = 2n;
export const ROLE_OWNER = 3n;

const PREDEFINED: ReadonlyMap<bigint, readonly number[]> = new Map([
  [ROLE_MEMBER, [Perm.SendMsg]],
  [ROLE_ADMIN, [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13]],
  [ROLE_OWNER, ALL_PERMISSIONS],
]);

/** A custom role as GetRole describes it. */
export interface CustomRole {
  id: bigint;
  name: string;
  description: string;
  permissions: readonly number[];
}

export function isPredefined(role: bigint): boolean {
  return PREDEFINED.has(role);
}

/** The permissions a role grants; a custom role not yet known grants none. */
export function permissionsOf(role: bigint, custom: ReadonlyMap<bigint, CustomRole>): ReadonlySet<number> {
  return new Set(PREDEFINED.get(role) ?? custom.get(role)?.permissions ?? []);
}

/** Owner 3 > admin 2 > member 1; a custom role ranks as admin when it may set roles. */
export function rank(role: bigint, custom: ReadonlyMap<bigint, CustomRole>): number {
  if (role === ROLE_OWNER) return 3;
  if (role === ROLE_ADMIN || permissionsOf(role, custom).has(Perm.SetRole)) return 2;
  return 1;
}

/** Whether someone of role `actor` may use `perm` on someone of role `target` (strictly lower rank). */
export function mayActOn(
  actor: bigint,
  target: bigint,
  perm: Perm,
  custom: ReadonlyMap<bigint, CustomRole>,
): boolean {
  return permissionsOf(actor, custom).has(perm) && rank(target, custom) < rank(actor, custom);
}

/** The roles `actor` may hand out: member, admin, owner (owners only), and the session's own roles. */
export function assignableRoles(actor: bigint, sessionRoles: readonly bigint[]): bigint[] {
  const out = [ROLE_MEMBER, ROLE_ADMIN];
  if (actor === ROLE_OWNER) out.push(ROLE_OWNER);
  for (const r of sessionRoles) if (!isPredefined(r) && !out.includes(r)) out.push(r);
  return out;
}

import { describe, expect, it } from "vitest";
import { assignableRoles, mayActOn, Perm, permissionsOf, rank, ROLE_ADMIN, ROLE_MEMBER, ROLE_OWNER, type CustomRole } from "./roles";

const moderator: CustomRole = { id: 4n, name: "Moderator", description: "", permissions: [Perm.Mute, Perm.Unmute] };
const deputy: CustomRole = { id: 5n, name: "Deputy", description: "", permissions: [Perm.SetRole, Perm.Kick] };
const custom = new Map([
  [4n, moderator],
  [5n, deputy],
]);

describe("roles", () => {
  it("gives predefined roles their protocol permissions", () => {
    expect([...permissionsOf(ROLE_MEMBER, custom)]).toEqual([Perm.SendMsg]);
    expect(permissionsOf(ROLE_ADMIN, custom).has(Perm.SetRole)).toBe(false);
    expect(permissionsOf(ROLE_ADMIN, custom).has(Perm.Mute)).toBe(true);
    expect(permissionsOf(ROLE_OWNER, custom).size).toBe(14);
  });

  it("gives custom roles exactly their permissions, and unknown ones none", () => {
    expect([...permissionsOf(4n, custom)]).toEqual([Perm.Mute, Perm.Unmute]);
    expect(permissionsOf(9n, custom).size).toBe(0);
  });

  it("ranks a custom role as admin only when it may set roles", () => {
    expect(rank(4n, custom)).toBe(1);
    expect(rank(5n, custom)).toBe(2);
    expect(rank(ROLE_OWNER, custom)).toBe(3);
  });

  it("acts only with the permission and on a strictly lower rank", () => {
    expect(mayActOn(ROLE_ADMIN, ROLE_MEMBER, Perm.Kick, custom)).toBe(true);
    expect(mayActOn(ROLE_ADMIN, ROLE_ADMIN, Perm.Kick, custom)).toBe(false);
    expect(mayActOn(ROLE_ADMIN, ROLE_OWNER, Perm.Mute, custom)).toBe(false);
    // The moderator may mute but ranks as a member, so there is nobody below it.
    expect(mayActOn(4n, ROLE_MEMBER, Perm.Mute, custom)).toBe(false);
    expect(mayActOn(5n, ROLE_MEMBER, Perm.Kick, custom)).toBe(true);
    expect(mayActOn(5n, ROLE_MEMBER, Perm.Mute, custom)).toBe(false);
  });

  it("lets only owners hand out the owner role", () => {
    expect(assignableRoles(ROLE_OWNER, [4n, 1n, 4n])).toEqual([ROLE_MEMBER, ROLE_ADMIN, ROLE_OWNER, 4n]);
    expect(assignableRoles(5n, [5n])).toEqual([ROLE_MEMBER, ROLE_ADMIN, 5n]);
  });
});

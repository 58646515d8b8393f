/**
 * Custom roles as this page knows them: fetched with GetRole when a member holds one, or created
 * here with AddRole. The protocol has no call listing a session's roles, so a role nobody holds is
 * known only to the page that created it.
 */
import { Store } from "../../state/store";
import { isPredefined, type CustomRole } from "../../state/roles";
import { api } from "../api";

/** Role id → the role, for every custom role fetched or created. */
export const customRoles = new Store<ReadonlyMap<bigint, CustomRole>>(new Map());
/** Session id → the custom roles created there from this page. */
export const createdRoles = new Store<ReadonlyMap<bigint, readonly bigint[]>>(new Map());
const loading = new Set<bigint>();

/** Fetch the custom roles among `ids` that are not known yet (a role never changes once made). */
export function ensureRoles(ids: Iterable<bigint>): void {
  for (const id of ids) {
    if (isPredefined(id) || customRoles.get().has(id) || loading.has(id)) continue;
    loading.add(id);
    void api.chat
      .getRole({ roleId: id })
      .then((r) =>
        customRoles.update((m) =>
          new Map(m).set(id, { id, name: r.name, description: r.description ?? "", permissions: r.permissions.map(Number) }),
        ),
      )
      .catch(() => {})
      .finally(() => loading.delete(id));
  }
}

/** Create a role of the session with the given permissions; returns its id. */
export async function addRole(
  sessionId: bigint,
  name: string,
  description: string,
  permissions: readonly number[],
): Promise<bigint> {
  const { roleId } = await api.chat.addRole({
    sessionId,
    name,
    description: description === "" ? undefined : description,
    permissions: permissions.map(BigInt),
  });
  customRoles.update((m) => new Map(m).set(roleId, { id: roleId, name, description, permissions: [...permissions] }));
  createdRoles.update((m) => new Map(m).set(sessionId, [...(m.get(sessionId) ?? []), roleId]));
  return roleId;
}

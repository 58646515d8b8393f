/** Create a custom role of a group (AddRole) with the permissions ticked. */
import { useState } from "preact/hooks";
import { ALL_PERMISSIONS, Perm } from "../../state/roles";
import { useStrings } from "../hooks";
import { Feedback, useAction } from "../useAction";
import { addRole } from "./customRoles";

export function NewRoleForm({ sessionId }: { sessionId: bigint }) {
  const t = useStrings();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set([Perm.SendMsg]));
  const act = useAction();
  const toggle = (p: number, on: boolean) =>
    setChosen((old) => {
      const next = new Set(old);
      if (on) next.add(p);
      else next.delete(p);
      return next;
    });
  return (
    <details class="new-role">
      <summary>{t.newRole}</summary>
      <form
        class="col-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const made = name.trim();
          const ok = await act.run(
            () => addRole(sessionId, made, description.trim(), ALL_PERMISSIONS.filter((p) => chosen.has(p))),
            `${t.roleCreated}: ${made}`,
          );
          if (ok) {
            setName("");
            setDescription("");
            setChosen(new Set([Perm.SendMsg]));
          }
        }}
      >
        <div class="row-form">
          <label>
            {t.roleName}
            <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            {t.roleDescription}
            <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </label>
        </div>
        <fieldset class="permissions">
          <legend>{t.permissions}</legend>
          {ALL_PERMISSIONS.map((p) => (
            <label key={p} class="check">
              <input type="checkbox" checked={chosen.has(p)} onChange={(e) => toggle(p, e.currentTarget.checked)} />
              {t.permissionNames[p - 1]}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary" disabled={act.busy}>
          {t.createRole}
        </button>
      </form>
      <Feedback error={act.error} note={act.note} />
    </details>
  );
}

/** My profile: name, status, OCID, and an avatar cropped to a chosen square before upload. */
import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { Feedback, useAction } from "../useAction";
import { Avatar } from "../Avatar";
import { AvatarPicker } from "./AvatarCropper";

export function ProfileScreen({ client }: { client: ChatClient }) {
  const t = useStrings();
  const me = useStore(client.me);
  const [name, setName] = useState(me?.name ?? "");
  const [status, setStatus] = useState(me?.status ?? "");
  const [ocid, setOcid] = useState(me?.ocid ?? "");
  const act = useAction();
  useEffect(() => {
    if (me !== null) {
      setName(me.name);
      setStatus(me.status);
      setOcid(me.ocid);
    }
  }, [me?.name, me?.status, me?.ocid]);
  if (me === null) return null;
  return (
    <div class="page">
      <section class="panel">
        <h2>{t.profile}</h2>
        <div class="profile-head">
          <Avatar client={client} userId={me.id} label={me.name || me.ocid} />
          <span>
            {me.email} · {t.ocid} <strong data-testid="my-ocid">{me.ocid}</strong>
          </span>
        </div>
        <AvatarPicker
          label={t.avatar}
          onCropped={(file) =>
            act.run(async () => {
              const key = await client.upload(file, null, false);
              await client.setProfile({ avatarKey: key });
            }, t.saved)
          }
        />
        <form
          class="col-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(
              () =>
                client.setProfile({
                  name: name !== me.name ? name : undefined,
                  status: status !== me.status ? status : undefined,
                  ocid: ocid !== me.ocid ? ocid : undefined,
                }),
              t.saved,
            );
          }}
        >
          <label>
            {t.name}
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            {t.status}
            <input value={status} onInput={(e) => setStatus(e.currentTarget.value)} />
          </label>
          <label>
            {t.ocid}
            <input value={ocid} onInput={(e) => setOcid(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={act.busy}>
            {t.save}
          </button>
        </form>
        <Feedback error={act.error} note={act.note} />
      </section>
    </div>
  );
}

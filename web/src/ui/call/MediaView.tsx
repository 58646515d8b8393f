/**
 * A <video> showing a MediaStream (mine muted, so I do not hear myself), with the person's
 * initial in its place while there is no picture (an audio call, a camera turned off).
 */
import { useEffect, useRef, useState } from "preact/hooks";

export function MediaView(props: { stream: MediaStream | null; mine: boolean; label: string; name: string }) {
  const { stream, mine, label, name } = props;
  const ref = useRef<HTMLVideoElement>(null);
  const [picture, setPicture] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    const check = () => {
      const live = (stream?.getVideoTracks() ?? []).some((t) => t.readyState === "live" && !t.muted);
      setPicture(live && el.videoWidth > 0);
    };
    check();
    const tracks = stream?.getVideoTracks() ?? [];
    el.addEventListener("resize", check);
    el.addEventListener("loadeddata", check);
    stream?.addEventListener("addtrack", check);
    stream?.addEventListener("removetrack", check);
    for (const t of tracks) {
      t.addEventListener("mute", check);
      t.addEventListener("unmute", check);
    }
    const timer = setInterval(check, 1000);
    return () => {
      el.removeEventListener("resize", check);
      el.removeEventListener("loadeddata", check);
      stream?.removeEventListener("addtrack", check);
      stream?.removeEventListener("removetrack", check);
      for (const t of tracks) {
        t.removeEventListener("mute", check);
        t.removeEventListener("unmute", check);
      }
      clearInterval(timer);
    };
  }, [stream]);
  return (
    <div class="call-media">
      <video ref={ref} class="call-video" autoPlay playsInline muted={mine} aria-label={label} hidden={!picture} />
      {!picture && (
        <div class="call-placeholder" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </div>
      )}
    </div>
  );
}

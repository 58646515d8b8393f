/** A <video> showing a MediaStream (mine muted, so I do not hear myself). */
import { useEffect, useRef } from "preact/hooks";

export function MediaView({ stream, mine, label }: { stream: MediaStream | null; mine: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el !== null && el.srcObject !== stream) el.srcObject = stream;
  });
  return <video ref={ref} class="call-video" autoPlay playsInline muted={mine} aria-label={label} />;
}

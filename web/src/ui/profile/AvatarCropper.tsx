/**
 * Pick a picture and choose the square to keep: drag the square, or use the sliders (size, left,
 * top), or the arrow keys on the square (Shift: 10 px) and + / − to resize. The result is a
 * 256×256 PNG of exactly that square.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { clampCrop, initialCrop, minSide, moveCrop, resizeCrop, type Crop } from "../../state/crop";
import { useStrings } from "../hooks";

export const AVATAR_SIDE = 256;
const STAGE_MAX = 320;

/** The chosen square of a picture as a 256×256 PNG file. */
export async function cropToFile(bitmap: ImageBitmap, c: Crop): Promise<File> {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = AVATAR_SIDE;
  const ctx = canvas.getContext("2d")!;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, c.x, c.y, c.size, c.size, 0, 0, AVATAR_SIDE, AVATAR_SIDE);
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("crop failed"))), "image/png"),
  );
  return new File([blob], "avatar.png", { type: "image/png" });
}

/** A file input for an avatar; after a pick, the cropper; `onCropped` gets the square's PNG. */
export function AvatarPicker({ label, onCropped }: { label: string; onCropped: (file: File) => Promise<unknown> }) {
  const [bitmap, setBitmap] = useState<{ image: ImageBitmap; url: string } | null>(null);
  const [failed, setFailed] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const t = useStrings();
  const close = () => {
    if (bitmap) URL.revokeObjectURL(bitmap.url);
    setBitmap(null);
    if (input.current) input.current.value = "";
  };
  return (
    <div class="avatar-picker">
      <label>
        {label}
        <input
          ref={input}
          type="file"
          accept="image/*"
          onChange={async (e) => {
            const f = e.currentTarget.files?.[0];
            if (!f) return;
            setFailed(false);
            try {
              setBitmap({ image: await createImageBitmap(f), url: URL.createObjectURL(f) });
            } catch {
              setFailed(true);
            }
          }}
        />
      </label>
      {failed && (
        <p role="alert" class="error">
          {t.notAPicture}
        </p>
      )}
      {bitmap !== null && (
        <Cropper
          image={bitmap.image}
          url={bitmap.url}
          onCancel={close}
          onDone={async (c) => {
            const file = await cropToFile(bitmap.image, c);
            close();
            await onCropped(file);
          }}
        />
      )}
    </div>
  );
}

function Cropper({
  image,
  url,
  onDone,
  onCancel,
}: {
  image: ImageBitmap;
  url: string;
  onDone: (c: Crop) => Promise<void>;
  onCancel: () => void;
}) {
  const t = useStrings();
  const { width: w, height: h } = image;
  const [crop, setCrop] = useState<Crop>(() => initialCrop(w, h));
  const preview = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ px: number; py: number; start: Crop } | null>(null);
  const scale = Math.min(1, STAGE_MAX / Math.max(w, h));
  useEffect(() => {
    const ctx = preview.current?.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, 96, 96);
    ctx.drawImage(image, crop.x, crop.y, crop.size, crop.size, 0, 0, 96, 96);
  }, [crop, image]);
  const onKey = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 10 : 1;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    if (e.key in moves) setCrop((c) => moveCrop(c, moves[e.key][0], moves[e.key][1], w, h));
    else if (e.key === "+" || e.key === "=") setCrop((c) => resizeCrop(c, c.size + step, w, h));
    else if (e.key === "-") setCrop((c) => resizeCrop(c, c.size - step, w, h));
    else return;
    e.preventDefault();
  };
  const slider = (name: string, value: number, min: number, max: number, set: (v: number) => Crop) => (
    <label>
      {name}
      <input
        type="range"
        min={min}
        max={max}
        value={value}
        disabled={min === max}
        onInput={(e) => setCrop(set(Number(e.currentTarget.value)))}
      />
    </label>
  );
  return (
    <div class="cropper" role="group" aria-label={t.cropAvatar}>
      <p class="muted">{t.cropHelp}</p>
      <div class="crop-row">
        <div
          class="crop-stage"
          style={{ width: `${w * scale}px`, height: `${h * scale}px` }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (d) setCrop(moveCrop(d.start, (e.clientX - d.px) / scale, (e.clientY - d.py) / scale, w, h));
          }}
          onPointerUp={() => (drag.current = null)}
          onPointerCancel={() => (drag.current = null)}
        >
          <img src={url} alt="" draggable={false} />
          <div
            class="crop-square"
            data-testid="crop-square"
            tabIndex={0}
            role="slider"
            aria-label={t.cropSquare}
            aria-valuemin={0}
            aria-valuemax={w - crop.size}
            aria-valuenow={crop.x}
            aria-valuetext={`${t.cropSize} ${crop.size}, ${t.cropLeft} ${crop.x}, ${t.cropTop} ${crop.y}`}
            style={{
              left: `${crop.x * scale}px`,
              top: `${crop.y * scale}px`,
              width: `${crop.size * scale}px`,
              height: `${crop.size * scale}px`,
            }}
            onKeyDown={onKey}
            onPointerDown={(e) => {
              e.currentTarget.parentElement?.setPointerCapture(e.pointerId);
              drag.current = { px: e.clientX, py: e.clientY, start: crop };
            }}
          />
        </div>
        <figure class="crop-preview">
          <canvas ref={preview} width={96} height={96} aria-hidden="true" />
          <figcaption>{t.preview}</figcaption>
        </figure>
      </div>
      <div class="row-form">
        {slider(t.cropSize, crop.size, minSide(w, h), Math.min(w, h), (v) => resizeCrop(crop, v, w, h))}
        {slider(t.cropLeft, crop.x, 0, w - crop.size, (v) => clampCrop({ ...crop, x: v }, w, h))}
        {slider(t.cropTop, crop.y, 0, h - crop.size, (v) => clampCrop({ ...crop, y: v }, w, h))}
      </div>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void onDone(crop)}>
          {t.useSquare}
        </button>
        <button type="button" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
    </div>
  );
}

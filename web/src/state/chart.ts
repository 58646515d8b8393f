/** Geometry of the metrics line charts: scales, ticks and SVG paths (no DOM, unit-tested). */

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The smallest 1, 2 or 5 × 10^k that is at least `v` (1 for 0 or less). */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * power >= v * (1 - 1e-9)) return step * power;
  return 10 * power;
}

/** Evenly spaced y-axis values from 0 to `max`, in round steps (of 1, 2 or 5 × 10^k for such a max). */
export function ticks(max: number): number[] {
  const lead = Math.round(max / 10 ** Math.floor(Math.log10(max)));
  const count = lead === 2 ? 4 : 5;
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/** A tick value as text: integers plain, others with up to two decimals. */
export function tickText(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, "");
}

/**
 * An SVG path through the points (time, value) inside `box` for times t0..t1 and values 0..yMax;
 * a missing value (null) breaks the line.
 */
export function linePath(
  times: readonly number[],
  values: readonly (number | null)[],
  box: Box,
  t0: number,
  t1: number,
  yMax: number,
): string {
  const span = Math.max(1, t1 - t0);
  const parts: string[] = [];
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      drawing = false;
      return;
    }
    const x = box.left + ((times[i] - t0) / span) * box.width;
    const y = box.top + box.height - (Math.min(v, yMax) / yMax) * box.height;
    parts.push(`${drawing ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`);
    drawing = true;
  });
  return parts.join(" ");
}

/** Lowest, highest and last present value of a series (null when it has none). */
export function summary(values: readonly (number | null)[]): { min: number; max: number; last: number } | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return null;
  return { min: Math.min(...present), max: Math.max(...present), last: present[present.length - 1] };
}

/** The square a user crops from a picture, in the picture's own pixels (no DOM, unit-tested). */

export interface Crop {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Side of the square. */
  size: number;
}

/** The smallest square one may choose: 16 px, or the whole short side of a smaller picture. */
export function minSide(width: number, height: number): number {
  return Math.min(16, width, height);
}

/** Keep a square whole inside the picture, with integer pixels. */
export function clampCrop(c: Crop, width: number, height: number): Crop {
  const size = Math.round(Math.min(Math.max(c.size, minSide(width, height)), width, height));
  return {
    size,
    x: Math.round(Math.min(Math.max(c.x, 0), width - size)),
    y: Math.round(Math.min(Math.max(c.y, 0), height - size)),
  };
}

/** The largest square, centred (what one starts from). */
export function initialCrop(width: number, height: number): Crop {
  const size = Math.min(width, height);
  return clampCrop({ x: (width - size) / 2, y: (height - size) / 2, size }, width, height);
}

/** Move by (dx, dy) picture pixels, stopping at the edges. */
export function moveCrop(c: Crop, dx: number, dy: number, width: number, height: number): Crop {
  return clampCrop({ ...c, x: c.x + dx, y: c.y + dy }, width, height);
}

/** Another side length, keeping the centre where it was as far as the edges allow. */
export function resizeCrop(c: Crop, size: number, width: number, height: number): Crop {
  const cx = c.x + c.size / 2;
  const cy = c.y + c.size / 2;
  const s = clampCrop({ ...c, size }, width, height).size;
  return clampCrop({ x: cx - s / 2, y: cy - s / 2, size: s }, width, height);
}

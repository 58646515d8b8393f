import { describe, expect, it } from "vitest";
import { clampCrop, initialCrop, minSide, moveCrop, resizeCrop } from "./crop";

describe("crop square", () => {
  it("starts as the largest centred square", () => {
    expect(initialCrop(320, 200)).toEqual({ x: 60, y: 0, size: 200 });
    expect(initialCrop(100, 301)).toEqual({ x: 0, y: 101, size: 100 });
  });

  it("moves but stays inside the picture", () => {
    const c = { x: 60, y: 0, size: 200 };
    expect(moveCrop(c, -10, 0, 320, 200)).toEqual({ x: 50, y: 0, size: 200 });
    expect(moveCrop(c, 500, 30, 320, 200)).toEqual({ x: 120, y: 0, size: 200 });
    expect(moveCrop(c, -500, -1, 320, 200)).toEqual({ x: 0, y: 0, size: 200 });
  });

  it("resizes around its centre within the limits", () => {
    expect(resizeCrop({ x: 60, y: 0, size: 200 }, 100, 320, 200)).toEqual({ x: 110, y: 50, size: 100 });
    expect(resizeCrop({ x: 0, y: 0, size: 100 }, 150, 320, 200)).toEqual({ x: 0, y: 0, size: 150 });
    expect(resizeCrop({ x: 0, y: 0, size: 100 }, 1000, 320, 200).size).toBe(200);
    expect(resizeCrop({ x: 0, y: 0, size: 100 }, 2, 320, 200).size).toBe(16);
  });

  it("uses whole pixels and a picture smaller than the minimum whole", () => {
    expect(clampCrop({ x: 1.4, y: 2.6, size: 50.5 }, 320, 200)).toEqual({ x: 1, y: 3, size: 51 });
    expect(minSide(10, 8)).toBe(8);
    expect(initialCrop(10, 8)).toEqual({ x: 1, y: 0, size: 8 });
  });
});

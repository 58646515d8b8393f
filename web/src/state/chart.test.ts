import { describe, expect, it } from "vitest";
import { linePath, niceCeiling, summary, tickText, ticks } from "./chart";

const box = { left: 10, top: 0, width: 100, height: 50 };

describe("chart geometry", () => {
  it("rounds the top of the scale up to 1, 2 or 5 × 10^k", () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(0.3)).toBe(0.5);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(3)).toBe(5);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(21)).toBe(50);
    expect(niceCeiling(150)).toBe(200);
  });

  it("spaces ticks evenly and prints them briefly", () => {
    expect(ticks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticks(0.2).map(tickText)).toEqual(["0", "0.05", "0.1", "0.15", "0.2"]);
    expect(tickText(0.125)).toBe("0.13");
  });

  it("draws points across the box, top is the maximum", () => {
    expect(linePath([0, 50, 100], [0, 5, 10], box, 0, 100, 10)).toBe("M10.0 50.0 L60.0 25.0 L110.0 0.0");
  });

  it("breaks the line at a missing value and clips above the maximum", () => {
    expect(linePath([0, 50, 100], [20, null, 0], box, 0, 100, 10)).toBe("M10.0 0.0 M110.0 50.0");
  });

  it("summarises the present values", () => {
    expect(summary([null, 3, 1, 2, null])).toEqual({ min: 1, max: 3, last: 2 });
    expect(summary([null])).toBeNull();
  });
});

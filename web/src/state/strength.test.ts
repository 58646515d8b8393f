import { describe, expect, it } from "vitest";
import { passwordStrength } from "./strength";

describe("passwordStrength", () => {
  it("rates short, repetitive and name-based passwords low", () => {
    expect(passwordStrength("")).toBe(0);
    expect(passwordStrength("aaaaaaaaaaaaaaaa")).toBeLessThanOrEqual(1);
    expect(passwordStrength("alice2024!", ["alice"])).toBe(0);
  });

  it("rates long mixed passwords high", () => {
    expect(passwordStrength("correct-Horse-battery-9")).toBe(4);
    expect(passwordStrength("Tr0ub4dor&3x")).toBeGreaterThanOrEqual(3);
  });
});

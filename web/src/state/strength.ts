/** A quick password strength hint (0–4) for the register form; the server has the final word. */
export function passwordStrength(password: string, inputs: readonly string[] = []): number {
  if (password.length === 0) return 0;
  const lower = password.toLowerCase();
  if (inputs.some((i) => i.length >= 3 && lower.includes(i.toLowerCase()))) return 0;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  const unique = new Set(password).size;
  let score = 0;
  if (password.length >= 8) score++;
  if (password.length >= 12) score++;
  if (classes >= 3) score++;
  if (password.length >= 16 || (classes === 4 && password.length >= 10)) score++;
  if (unique < 4) score = Math.min(score, 1);
  return Math.min(score, 4);
}

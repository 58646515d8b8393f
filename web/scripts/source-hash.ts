// The fingerprint of the web client's sources, recorded in the build so a test can tell when the
// committed build is stale. tests/http/test_webclient_build.py computes the same value.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const ROOT_FILES = ["index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts"];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (!entry.name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

/** sha256 over "<relative path>\0<sha256 of content>\n" for every source file, sorted by path. */
export function sourceHash(root: string): string {
  const files = [...ROOT_FILES.map((f) => join(root, f)), ...walk(join(root, "src"))]
    .map((f) => relative(root, f).split(sep).join("/"))
    .sort();
  const h = createHash("sha256");
  for (const f of files) {
    const content = createHash("sha256").update(readFileSync(join(root, f))).digest("hex");
    h.update(`${f}\0${content}\n`);
  }
  return h.digest("hex");
}

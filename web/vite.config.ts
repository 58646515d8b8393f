// Builds the web client into the Python package, where the server serves it at "/".
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";
import { sourceHash } from "./scripts/source-hash";

const ROOT = fileURLToPath(new URL(".", import.meta.url));

/** Records the sources' fingerprint next to the built files (see scripts/source-hash.ts). */
function recordSources(): Plugin {
  return {
    name: "ourchat-record-sources",
    apply: "build",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "build-sources.txt", source: `${sourceHash(ROOT)}\n` });
    },
  };
}

export default defineConfig({
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  plugins: [recordSources()],
  build: {
    outDir: "../src/ourchat/webclient",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: true,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});

import { expect, it } from "vitest";

// Every source file, as text (Vite reads them at test time).
const sources = import.meta.glob<string>(["/src/**/*.{ts,tsx}"], {
  query: "?raw",
  import: "default",
  eager: true,
});

it("only ui/src/ipc/ imports @tauri-apps/*", () => {
  const offenders = Object.entries(sources)
    .filter(([path]) => !path.startsWith("/src/ipc/") && !path.endsWith("ipc-boundary.test.ts"))
    .filter(([, text]) => /from\s+["']@tauri-apps\/|import\(\s*["']@tauri-apps\//.test(text))
    .map(([path]) => path);
  expect(Object.keys(sources).length).toBeGreaterThan(3);
  expect(offenders).toEqual([]);
});

import { defineConfig } from "vitest/config";

// The app is served from the desktop shell's own protocol, never from the web,
// so there is one entry (index.html) and no public base URL.
export default defineConfig({
  // Compile JSX for Preact without the Babel-based preset (one less toolchain).
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  clearScreen: false,
  server: {
    // Must match build.devUrl in src-tauri/tauri.conf.json.
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The desktop webviews (WebKitGTK 2.4x, WebView2, WKWebView) are all recent.
    target: "es2022",
    // Keep every script and style an external file: the CSP allows only 'self'.
    assetsInlineLimit: 0,
    // ECharts is one lazily loaded chunk of about 605 kB (the sankey series of
    // Discovery's top paths adds 35 kB of it); the first view's numbers do not
    // wait for it (components/EChart).
    chunkSizeWarningLimit: 650,
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});

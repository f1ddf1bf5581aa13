// The reference side of crates/browser/benches/replay_overhead.rs.
//
// Launches Debian's Chromium once through puppeteer-core (warm browser), then
// for every "run" line on stdin replays the recording with @puppeteer/replay
// in a fresh browser context and prints one JSON line:
// {"ms": <wall time of context + page + replay + close>, "ok": true|false,
//  "steps": [ms per step], "error": "..."}. "ready" is printed once the browser is up.
//
// node run.mjs RECORDING.json
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import puppeteer from 'puppeteer-core';
import { createRunner, PuppeteerRunnerExtension } from '@puppeteer/replay';

const file = process.argv[2];
if (!file) {
  console.error('usage: node run.mjs RECORDING.json');
  process.exit(2);
}
const recording = JSON.parse(readFileSync(file, 'utf8'));
const profile = mkdtempSync(join(tmpdir(), 'sightline-bench-puppeteer-'));
const browser = await puppeteer.launch({
  executablePath: process.env.SIGHTLINE_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir: profile,
  defaultViewport: null,
  // The flags Sightline's own launch uses (crates/browser/src/launch.rs).
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-dev-shm-usage',
    '--disable-features=Translate,MediaRouter,OptimizationHints',
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--password-store=basic',
    '--use-mock-keychain',
  ],
});

// Times each step the way Sightline's step results do: from the start of
// the step to its end, hooks excluded.
class Timed extends PuppeteerRunnerExtension {
  steps = [];
  async runStep(step, flow) {
    const t = performance.now();
    await super.runStep(step, flow);
    this.steps.push(performance.now() - t);
  }
}

async function once() {
  const t0 = performance.now();
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const ext = new Timed(browser, page, { timeout: 10000 });
    const runner = await createRunner(recording, ext);
    const ok = await runner.run();
    await context.close();
    return { ms: performance.now() - t0, ok, steps: ext.steps };
  } catch (e) {
    return { ms: performance.now() - t0, ok: false, error: String(e && e.message || e) };
  } finally {
    // Closing twice is harmless; this one covers the error path.
    await context.close().catch(() => {});
  }
}

console.log('ready');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'run') continue;
  console.log(JSON.stringify(await once()));
}
await browser.close();
rmSync(profile, { recursive: true, force: true });

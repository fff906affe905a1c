// The inspector in a real headless browser (Debian's chromium): a 1,000,000-message recording opened with
// `view` (time to the first rows painted, to the last message after "last ⇥", the page's memory and DOM
// size, the server's peak memory), against a 1,000-message recording as the reference; and a live session
// fed 10,000 messages a second (how far the page falls behind, and the rate held, against the same load
// without --ui).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { openBrowser, type TestBrowser } from '../../../test/helpers/browser.ts';
import { CLI, count, LOAD, log, measure, peakRssKb, QUICK, ROOT, round, type Section } from '../measure.ts';

const BIG = QUICK ? 200_000 : 1_000_000;
const SMALL = 1_000;
const RATE = 10_000;
const LIVE_SECONDS = QUICK ? 5 : 10;

interface Started {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<number | null>;
}

function startCli(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn('node', [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      err += chunk;
      const found = /inspector at (\S+)/.exec(err);
      if (found) resolve(found[1]);
    });
    child.on('exit', () => reject(new Error(`codex-dbg exited before printing its URL: ${err}`)));
  });
  return { child, url, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

/** Resolves after the browser has painted what is in the DOM now. */
const painted = (browser: TestBrowser) => browser.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');

/** In the page: the session's clock and row count (from the server), and the newest row painted. */
const LIVE_SAMPLE = `(async () => {
  const info = await (await fetch('/api/info')).json();
  const rows = document.querySelectorAll('.rows .row[data-n]');
  const last = rows[rows.length - 1];
  return { now: info.now, count: info.count, lastT: Number(last?.querySelector('.t')?.textContent ?? 0) * 1000 };
})()`;

interface Opened {
  firstRowsMs: number;
  pageToFirstRowsMs: number;
  jumpMs: number;
  readAllMs: number;
  heapMb: number;
  domNodes: number;
  serverPeakMb: number;
}

async function openRecording(browser: TestBrowser, file: string, name: string): Promise<Opened> {
  const { page } = browser;
  const entries = lineCount(file) - 1; // less the header
  const started = performance.now();
  const view = startCli(['view', file]);
  let peak = 0;
  const poll = setInterval(() => {
    peak = Math.max(peak, peakRssKb(view.child.pid));
  }, 50);
  try {
    const url = await view.url;
    const loading = performance.now();
    await page.goto(url);
    await page.locator('.rows .row[data-n="0"]').waitFor({ timeout: 120_000 });
    await painted(browser);
    const firstRows = performance.now();
    const jumping = performance.now();
    await page.click('.jump-last');
    // The last row of the file, which the first pass may not have reached yet when the click comes.
    await page.locator(`.rows .row[data-n="${entries - 1}"]`).waitFor({ timeout: 120_000 });
    await painted(browser);
    const jumped = performance.now();
    await page.locator('[data-state="loaded"]').waitFor({ timeout: 300_000 });
    const readAll = performance.now();
    await browser.screenshot(`bench-${name}`);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    await cdp.detach();
    const metric = (key: string) => metrics.find((m) => m.name === key)?.value ?? 0;
    peak = Math.max(peak, peakRssKb(view.child.pid));
    return {
      firstRowsMs: firstRows - started,
      pageToFirstRowsMs: firstRows - loading,
      jumpMs: jumped - jumping,
      readAllMs: readAll - started,
      heapMb: round(metric('JSHeapUsedSize') / 2 ** 20, 1),
      domNodes: metric('Nodes'),
      serverPeakMb: round(peak / 1024, 1),
    };
  } finally {
    clearInterval(poll);
    await page.goto('about:blank');
    view.child.kill('SIGTERM');
    await view.exited;
  }
}

/** Newlines in a file, read in blocks (a million-line recording is a few hundred MB). */
function lineCount(file: string): number {
  const fd = openSync(file, 'r');
  const block = Buffer.allocUnsafe(4 * 1024 * 1024);
  let lines = 0;
  try {
    for (let read = readSync(fd, block); read > 0; read = readSync(fd, block)) {
      for (let at = block.indexOf(10); at >= 0 && at < read; at = block.indexOf(10, at + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

interface LiveRun {
  rate: number;
  lagP50Ms: number;
  lagMaxMs: number;
  samples: number;
}

/** A session (the REPL, fed from a pipe) against the load server pacing RATE deltas a second, once the page is open and following. */
async function liveRate(browser: TestBrowser): Promise<LiveRun> {
  const { page } = browser;
  const total = RATE * LIVE_SECONDS;
  const env = { LOAD_MODE: 'paced', LOAD_RATE: String(RATE), LOAD_COUNT: String(total) };
  const run = startCli(['--codex-bin', LOAD, '--ui', '--format', 'raw'], env);
  try {
    await page.goto(await run.url);
    await page.locator('.rows .row[data-method="thread/start"]').first().waitFor();
    run.child.stdin?.write('go\n');
    const lags: number[] = [];
    const counts: { at: number; count: number }[] = [];
    for (;;) {
      const sample = (await page.evaluate(LIVE_SAMPLE)) as { now: number; count: number; lastT: number };
      counts.push({ at: sample.now, count: sample.count });
      // Only while the stream runs: once it stops the page has nothing left to catch up with.
      if (sample.count < total) lags.push(Math.max(0, sample.now - sample.lastT));
      else break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The rate over the steady part: from the first sample with rows streaming to the end.
    const from = counts.find((c) => c.count > 100) ?? counts[0];
    const to = counts[counts.length - 1];
    log(`  live lag samples (ms): ${lags.map(Math.round).join(' ')}`);
    const sorted = [...lags].sort((a, b) => a - b);
    return {
      rate: Math.round(((to.count - from.count) / Math.max(1, to.at - from.at)) * 1000),
      lagP50Ms: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      lagMaxMs: Math.round(sorted[sorted.length - 1] ?? 0),
      samples: lags.length,
    };
  } finally {
    run.child.stdin?.end();
    await page.goto('about:blank');
    await Promise.race([run.exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (run.child.exitCode === null) run.child.kill('SIGTERM');
    await run.exited;
  }
}

/** Deltas a second over a jsonl run, from the first delta to the last (the `at` each line carries). */
function rateOf(jsonl: string): number {
  const at = jsonl
    .split('\n')
    .filter((line) => line.includes('item/agentMessage/delta'))
    .map((line) => (JSON.parse(line) as { at: number }).at);
  return Math.round(((at.length - 1) / Math.max(1, at[at.length - 1] - at[0])) * 1000);
}

export const inspector: Section = {
  name: 'inspector',
  async run() {
    log(`inspector: ${count(BIG)}-message and ${count(SMALL)}-message recordings in chromium, and a live stream at ${count(RATE)}/s`);
    const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-bench-inspector-'));
    const browser = await openBrowser();
    try {
      const small = join(dir, 'small.jsonl');
      const big = join(dir, 'big.jsonl');
      await x('node', [join(ROOT, 'scripts/bench/make-recording.mjs'), small, String(SMALL)], { throwOnError: true });
      await x('node', [join(ROOT, 'scripts/bench/make-recording.mjs'), big, String(BIG)], { throwOnError: true });
      const reference = await openRecording(browser, small, 'small');
      const large = await openRecording(browser, big, 'large');
      const live = await liveRate(browser);
      const total = RATE * LIVE_SECONDS;
      const plain = await measure('node', [CLI, '--codex-bin', LOAD, 'exec', 'go', '--format', 'jsonl'], { env: { LOAD_MODE: 'paced', LOAD_RATE: String(RATE), LOAD_COUNT: String(total) } });
      const plainRate = rateOf(plain.stdout);
      const ms = (value: number) => `${Math.round(value)} ms`;
      const row = (name: string, o: Opened) =>
        `| ${name} | ${ms(o.firstRowsMs)} (${ms(o.pageToFirstRowsMs)} from page load) | ${ms(o.jumpMs)} | ${ms(o.readAllMs)} | ${o.heapMb} MB | ${o.domNodes} | ${o.serverPeakMb} MB |`;
      return {
        markdown:
          '## Inspector (chromium, headless)\n\n' +
          '`codex-dbg view` of a recording: from starting `view` to the first rows painted, from clicking "last ⇥" to the last message painted, ' +
          'to the whole file read (filters and latencies complete), then the page\'s JS heap and DOM nodes (CDP `Performance.getMetrics`) and the `view` process\'s peak RSS.\n\n' +
          '| recording | first rows | jump to last | whole file read | page heap | page DOM nodes | server peak RSS |\n|---|---|---|---|---|---|---|\n' +
          `${row(`${count(SMALL)} messages (reference)`, reference)}\n${row(`${count(BIG)} messages`, large)}\n\n` +
          `Live: a session with \`--ui\` against the load server pacing ${count(RATE)} deltas a second for ${LIVE_SECONDS} s, the page open and following; ` +
          'lag is the session time of the newest painted row behind the session\'s clock, sampled every 250 ms.\n\n' +
          '| live | rate held | page lag p50 | page lag max |\n|---|---|---|---|\n' +
          `| \`--ui\`, page following | ${count(live.rate)}/s | ${live.lagP50Ms} ms | ${live.lagMaxMs} ms (${live.samples} samples) |\n` +
          `| \`exec\` without --ui (reference) | ${count(plainRate)}/s (whole run) | | |`,
        verdicts: [
          { met: large.firstRowsMs <= 2000, text: `${count(BIG)}-message recording: first rows painted in ${ms(large.firstRowsMs)} (target 2 s; ${round(large.firstRowsMs / reference.firstRowsMs)}× the ${count(SMALL)}-message one)` },
          { met: large.jumpMs <= 1000, text: `jump to its last message in ${ms(large.jumpMs)} (target 1 s; ${count(SMALL)}-message: ${ms(reference.jumpMs)})` },
          { met: large.domNodes < 5 * reference.domNodes, text: `the page holds ${large.domNodes} DOM nodes and ${large.heapMb} MB of JS heap for ${count(BIG)} messages (${count(SMALL)}: ${reference.domNodes}, ${reference.heapMb} MB)` },
          { met: live.lagMaxMs <= 1000 && live.rate >= RATE * 0.95, text: `live at ${count(RATE)}/s: the page fell behind by at most ${live.lagMaxMs} ms (target 1 s), rate held ${count(live.rate)}/s (without --ui: ${count(plainRate)}/s)` },
        ],
      };
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

// The tap: throughput of a million server notifications through `codex-dbg tap` against a minimal byte
// relay (stream.pipe both ways, nothing observing), the latency a tap adds to each approval round trip
// against the untapped round trip, and the tap's peak memory with one 64 MB line. The client in every
// case is the minimal reference reader; only what sits between it and the load server changes.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, count, LOAD, log, measure, medianOf, peakRssKb, QUICK, REF, ROOT, round, RUNS, type Measured, type Section } from '../measure.ts';

const MESSAGES = QUICK ? 200_000 : 1_000_000;
const ROUNDTRIPS = QUICK ? 20_000 : 100_000;
const RELAY = join(ROOT, 'scripts/bench/byte-relay.mjs');

/** An executable the reference reader can spawn as its server: `exec <command…>`, writing its pid first. */
function wrapper(dir: string, name: string, command: string[]): { path: string; pidFile: string } {
  const path = join(dir, name);
  const pidFile = join(dir, `${name}.pid`);
  writeFileSync(path, `#!/bin/sh\necho $$ > '${pidFile}'\nexec ${command.map((part) => `'${part}'`).join(' ')}\n`);
  chmodSync(path, 0o755);
  return { path, pidFile };
}

/** Runs the reference reader against `server`, and polls the peak RSS of the server's own process (the relay). */
async function measureRelay(server: { path: string; pidFile: string }, env: Record<string, string>): Promise<Measured & { relayPeakMb: number }> {
  let relayPeak = 0;
  const poll = setInterval(() => {
    try {
      relayPeak = Math.max(relayPeak, peakRssKb(Number(readFileSync(server.pidFile, 'utf8'))));
    } catch {
      // not started yet
    }
  }, 20);
  try {
    const measured = await measure('node', [REF, server.path], { env: { ...env, REF: 'minimal' }, devNull: true });
    return { ...measured, relayPeakMb: round(relayPeak / 1024, 1) };
  } finally {
    clearInterval(poll);
    rmSync(server.pidFile, { force: true });
  }
}

export const tap: Section = {
  name: 'tap',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-bench-tap-'));
    // Taps announce themselves for `watch`; keep that in a throwaway place.
    const tapEnv = { CODEX_DBG_TAP_DIR: join(dir, 'rendezvous') };
    try {
      const direct = { path: LOAD, pidFile: join(dir, 'none') };
      const relay = wrapper(dir, 'relay', ['node', RELAY, LOAD]);
      const tapped = wrapper(dir, 'tap', ['node', CLI, 'tap', '--', LOAD]);

      log(`tap throughput: ${MESSAGES} notifications, ${RUNS} runs each`);
      const flood = { ...tapEnv, LOAD_COUNT: String(MESSAGES), LOAD_MODE: 'flood' };
      const throughRelay = await medianOf(RUNS, () => measure('node', [REF, relay.path], { env: { ...flood, REF: 'minimal' }, devNull: true }));
      const throughTap = await medianOf(RUNS, () => measure('node', [REF, tapped.path], { env: { ...flood, REF: 'minimal' }, devNull: true }));
      const untapped = await medianOf(RUNS, () => measure('node', [REF, direct.path], { env: { ...flood, REF: 'minimal' }, devNull: true }));
      const rate = (m: Measured) => Math.round(MESSAGES / (m.ms / 1000));

      log(`tap round trip: ${ROUNDTRIPS} approvals`);
      const roundtrip = async (server: string, name: string) => {
        const out = join(dir, `${name}.json`);
        await measure('node', [REF, server], { env: { ...tapEnv, LOAD_MODE: 'roundtrip', LOAD_COUNT: String(ROUNDTRIPS), LOAD_OUT: out, REF: 'echo' }, devNull: true });
        return JSON.parse(readFileSync(out, 'utf8')) as { p50: number; p99: number; max: number };
      };
      const rtDirect = await roundtrip(LOAD, 'direct');
      const rtRelay = await roundtrip(relay.path, 'relay');
      const rtTap = await roundtrip(tapped.path, 'tap');
      const added = rtTap.p99 - rtDirect.p99;

      log('tap memory: one 64 MB line among 100,000 notifications');
      const huge = { ...tapEnv, LOAD_COUNT: '100000', LOAD_MODE: 'huge', LOAD_HUGE_MB: '64' };
      const hugeRelay = await measureRelay(relay, huge);
      const hugeTap = await measureRelay(tapped, huge);
      const recorded = wrapper(dir, 'tap-record', ['node', CLI, 'tap', '--record', join(dir, 'huge.jsonl'), '--', LOAD]);
      const hugeRecorded = await measureRelay(recorded, huge);
      const limit = 100 + 2 * 64;

      return {
        markdown:
          `## Tap: ${count(MESSAGES)} item/agentMessage/delta through \`codex-dbg tap\`, read by the minimal reader, stdout to /dev/null\n\n` +
          '| between reader and server | wall (median) | messages/s | vs byte relay |\n|---|---|---|---|\n' +
          `| nothing (reference) | ${round(untapped.ms / 1000)} s | ${count(rate(untapped))} | ${round(throughRelay.ms / untapped.ms)} |\n` +
          `| minimal byte relay, stream.pipe (reference) | ${round(throughRelay.ms / 1000)} s | ${count(rate(throughRelay))} | 1 |\n` +
          `| codex-dbg tap | ${round(throughTap.ms / 1000)} s | ${count(rate(throughTap))} | ${round(throughRelay.ms / throughTap.ms)} |\n\n` +
          `### Tap: approval round trip, ${count(ROUNDTRIPS)} approvals answered by the echo reader (timed by the server)\n\n` +
          '| between reader and server | p50 | p99 | max |\n|---|---|---|---|\n' +
          `| nothing (reference) | ${round(rtDirect.p50, 3)} ms | ${round(rtDirect.p99, 3)} ms | ${round(rtDirect.max, 1)} ms |\n` +
          `| minimal byte relay | ${round(rtRelay.p50, 3)} ms | ${round(rtRelay.p99, 3)} ms | ${round(rtRelay.max, 1)} ms |\n` +
          `| codex-dbg tap | ${round(rtTap.p50, 3)} ms | ${round(rtTap.p99, 3)} ms | ${round(rtTap.max, 1)} ms |\n\n` +
          '### Tap: peak RSS of the relay process with one 64 MB line among 100,000 notifications\n\n' +
          '| relay | peak RSS |\n|---|---|\n' +
          `| minimal byte relay (reference) | ${hugeRelay.relayPeakMb} MB |\n` +
          `| codex-dbg tap | ${hugeTap.relayPeakMb} MB |\n` +
          `| codex-dbg tap --record (the line is above the 16 MiB observation limit: forwarded, noted, not decoded) | ${hugeRecorded.relayPeakMb} MB |`,
        verdicts: [
          { met: throughRelay.ms / throughTap.ms >= 0.8, text: `tap throughput at least 0.8 of a minimal byte relay: ${round(throughRelay.ms / throughTap.ms)}` },
          { met: added < 0.2, text: `p99 added by the tap to an approval round trip under 0.2 ms: ${round(added, 3)} ms (${round(rtTap.p99, 3)} vs ${round(rtDirect.p99, 3)} ms untapped; the byte relay adds ${round(rtRelay.p99 - rtDirect.p99, 3)} ms)` },
          { met: hugeTap.relayPeakMb < limit && hugeRecorded.relayPeakMb < limit, text: `tap peak RSS with one 64 MB line under 100 MB + 2 × 64 MB = ${limit} MB: ${hugeTap.relayPeakMb} MB, ${hugeRecorded.relayPeakMb} MB recording (byte relay: ${hugeRelay.relayPeakMb} MB)` },
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

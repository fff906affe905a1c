// Recording: what --record costs on a flood of notifications (plain and gzip), and what reading the
// recording back costs (replay, stats), in time and peak memory, against a minimal file reader.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, count, LOAD, log, median, type Measured, measure, QUICK, ROOT, round, RUNS, type Section } from '../measure.ts';

const MESSAGES = QUICK ? 200_000 : 1_000_000;
const SMALL = MESSAGES / 100;
const FILE_REF = join(ROOT, 'scripts/bench/reference-file-reader.mjs');

const mb = (bytes: number) => `${round(bytes / 1e6, 1)} MB`;

export const recording: Section = {
  name: 'recording',
  async run() {
    log(`recording: ${MESSAGES} deltas, ${RUNS} runs each of plain, --record, --record .gz (interleaved)`);
    const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-bench-rec-'));
    try {
      const flood = (n: number) => ({ LOAD_COUNT: String(n), LOAD_MODE: 'flood' });
      const session = (extra: string[], n = MESSAGES) => measure('node', [CLI, '--codex-bin', LOAD, '--format', 'raw', ...extra], { env: flood(n), stdin: 'go\n', devNull: true });
      const plainFile = join(dir, 'rec.jsonl');
      const gzipFile = join(dir, 'rec.jsonl.gz');
      const runs: Record<'plain' | 'record' | 'gzip', Measured[]> = { plain: [], record: [], gzip: [] };
      // A new file each time, as a user records: overwriting a 250 MB file costs its truncation (and
      // ext4 flushes a truncated file on close), a cost of the file system rather than of recording.
      const fresh = (file: string) => {
        for (const path of [file, `${file}.idx`]) rmSync(path, { force: true });
        return file;
      };
      // Interleaved, so that the machine's noise falls on all three alike.
      for (let i = 0; i < RUNS; i++) {
        runs.plain.push(await session([]));
        runs.record.push(await session(['--record', fresh(plainFile)]));
        runs.gzip.push(await session(['--record', fresh(gzipFile)]));
      }
      const ms = (list: Measured[]) => median(list.map((m) => m.ms));
      const peak = (list: Measured[]) => median(list.map((m) => m.peakRssMb));
      const recordRatio = ms(runs.record) / ms(runs.plain);
      const gzipRatio = ms(runs.gzip) / ms(runs.plain);

      log('recording: replay and stats of the 1,000,000-message recordings, and of a 100× smaller one');
      const smallFile = join(dir, 'small.jsonl');
      await session(['--record', smallFile], SMALL);
      const read = (args: string[]) => measure('node', args, { devNull: true });
      const reads = {
        refPlain: await read([FILE_REF, plainFile]),
        refGzip: await read([FILE_REF, gzipFile]),
        replaySmall: await read([CLI, 'replay', smallFile]),
        replayPlain: await read([CLI, 'replay', plainFile]),
        replayGzip: await read([CLI, 'replay', gzipFile]),
        statsPlain: await read([CLI, 'stats', plainFile]),
        statsGzip: await read([CLI, 'stats', gzipFile]),
      };
      const size = (file: string) => statSync(file).size;
      const row = (name: string, m: Measured, ref: Measured) => `| ${name} | ${round(m.ms / 1000)} s | ${m.peakRssMb} MB | ${round(m.ms / ref.ms)} |`;
      const worst = Math.max(reads.replayPlain.peakRssMb, reads.replayGzip.peakRssMb, reads.statsPlain.peakRssMb, reads.statsGzip.peakRssMb);
      return {
        markdown:
          `## Recording: ${count(MESSAGES)} item/agentMessage/delta, --format raw to /dev/null, ${RUNS} interleaved runs (medians)\n\n` +
          '| run | wall | vs plain | peak RSS | file |\n|---|---|---|---|---|\n' +
          `| plain (reference) | ${round(ms(runs.plain) / 1000)} s | 1 | ${peak(runs.plain)} MB | |\n` +
          `| --record rec.jsonl | ${round(ms(runs.record) / 1000)} s | ${round(recordRatio)} | ${peak(runs.record)} MB | ${mb(size(plainFile))} |\n` +
          `| --record rec.jsonl.gz | ${round(ms(runs.gzip) / 1000)} s | ${round(gzipRatio)} | ${peak(runs.gzip)} MB | ${mb(size(gzipFile))} (${round(size(plainFile) / size(gzipFile), 1)}× smaller) |\n\n` +
          `### Reading it back (${count(MESSAGES + 13)} entries)\n\n` +
          '| reader | wall | peak RSS | time vs minimal reader |\n|---|---|---|---|\n' +
          `${row('minimal reader (reference), plain', reads.refPlain, reads.refPlain)}\n` +
          `${row('minimal reader (reference), gzip', reads.refGzip, reads.refGzip)}\n` +
          `${row(`replay, ${count(SMALL)} messages (100× fewer)`, reads.replaySmall, reads.refPlain)}\n` +
          `${row('replay, plain', reads.replayPlain, reads.refPlain)}\n` +
          `${row('replay, gzip', reads.replayGzip, reads.refGzip)}\n` +
          `${row('stats, plain', reads.statsPlain, reads.refPlain)}\n` +
          `${row('stats, gzip', reads.statsGzip, reads.refGzip)}`,
        verdicts: [
          { met: recordRatio <= 1.3, text: `--record at most 1.3× the plain run: ${round(recordRatio)} (gzip: ${round(gzipRatio)})` },
          {
            met: worst < 100,
            text: `replay and stats of ${count(MESSAGES)} messages under 100 MB: replay ${reads.replayPlain.peakRssMb} MB (gzip ${reads.replayGzip.peakRssMb} MB), stats ${reads.statsPlain.peakRssMb} MB (gzip ${reads.statsGzip.peakRssMb} MB); replay of 100× fewer ${reads.replaySmall.peakRssMb} MB`,
          },
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

// Memory: peak RSS while about a gigabyte streams, and with one 64 MB line.
import { CLI, count, LOAD, log, QUICK, REF, round, measure, type Section } from '../measure.ts';

const GIGABYTE_MESSAGES = QUICK ? 1_000_000 : 5_000_000; // × ~215 bytes

export const memory: Section = {
  name: 'memory',
  async run() {
    log(`memory: ${GIGABYTE_MESSAGES} deltas (~${Math.round(((GIGABYTE_MESSAGES * 215) / 1e9) * 100) / 100} GB), and one 64 MB line`);
    const flood = { LOAD_COUNT: String(GIGABYTE_MESSAGES), LOAD_MODE: 'flood' };
    const hugeLoad = { LOAD_COUNT: '100000', LOAD_MODE: 'huge', LOAD_HUGE_MB: '64' };
    const reference = await measure('node', [REF, LOAD], { env: { ...flood, REF: 'minimal' }, devNull: true });
    const big = await measure('node', [CLI, '--codex-bin', LOAD, '--format', 'raw'], { env: flood, stdin: 'go\n', devNull: true });
    const small = await measure('node', [CLI, '--codex-bin', LOAD, '--format', 'raw'], { env: { ...flood, LOAD_COUNT: String(GIGABYTE_MESSAGES / 100) }, stdin: 'go\n', devNull: true });
    const huge = await measure('node', [CLI, '--codex-bin', LOAD, '--format', 'raw'], { env: hugeLoad, stdin: 'go\n', devNull: true });
    const hugeReference = await measure('node', [REF, LOAD], { env: { ...hugeLoad, REF: 'minimal' }, devNull: true });
    const hugeFinal = await measure('node', [CLI, '--codex-bin', LOAD, '--format', 'final'], { env: hugeLoad, stdin: 'go\n', devNull: true });
    return {
      markdown:
        '## Memory: peak RSS (VmHWM) of the codex-dbg process, stdout to /dev/null\n\n' +
        '| stream | peak RSS |\n|---|---|\n' +
        `| minimal reader (reference), ${count(GIGABYTE_MESSAGES)} deltas | ${reference.peakRssMb} MB |\n` +
        `| codex-dbg raw, ${count(GIGABYTE_MESSAGES / 100)} deltas | ${small.peakRssMb} MB |\n` +
        `| codex-dbg raw, ${count(GIGABYTE_MESSAGES)} deltas (100× more) | ${big.peakRssMb} MB |\n` +
        `| minimal reader (reference), 100,000 deltas and one 64 MB line | ${hugeReference.peakRssMb} MB |\n` +
        `| codex-dbg raw, 100,000 deltas and one 64 MB line | ${huge.peakRssMb} MB |\n` +
        `| codex-dbg final, 100,000 deltas and one 64 MB line | ${hugeFinal.peakRssMb} MB |`,
      verdicts: [
        { met: big.peakRssMb < 100, text: `peak RSS under 100 MB while ~1 GB streams: ${big.peakRssMb} MB (${round(big.peakRssMb / small.peakRssMb)}× the 100× smaller stream)` },
        {
          met: huge.peakRssMb < 100 + 3 * 64,
          text: `with one 64 MB line under 100 MB + 3 × 64 MB = 292 MB: ${huge.peakRssMb} MB (raw), ${hugeFinal.peakRssMb} MB (final); the minimal reader needs ${hugeReference.peakRssMb} MB for the same stream`,
        },
      ],
    };
  },
};

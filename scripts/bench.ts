// npm run bench: measures codex-dbg against references in the same run and writes BENCHMARKS.md.
// Runs under bun (the sections start the scripted model, which is TypeScript). Each section is one file in
// scripts/bench/sections/ and lists itself below.
//   npm run bench                          every section; writes BENCHMARKS.md
//   npm run bench -- throughput memory     only these sections; prints their markdown instead
//   BENCH_QUICK=1 npm run bench            smaller counts, for a quick look
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { BUN, CODEX, DENO, log, ROOT, type Section } from './bench/measure.ts';
import { inspector } from './bench/sections/inspector.ts';
import { memory } from './bench/sections/memory.ts';
import { realServer } from './bench/sections/real-server.ts';
import { recording } from './bench/sections/recording.ts';
import { roundtrip } from './bench/sections/roundtrip.ts';
import { startup } from './bench/sections/startup.ts';
import { tap } from './bench/sections/tap.ts';
import { throughput } from './bench/sections/throughput.ts';
import { websocket } from './bench/sections/websocket.ts';

const SECTIONS: Section[] = [throughput, roundtrip, memory, recording, startup, realServer, websocket, inspector, tap];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !SECTIONS.some((section) => section.name === name));
if (unknown.length) {
  log(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = wanted.length ? SECTIONS.filter((section) => wanted.includes(section.name)) : SECTIONS;

const markdown: string[] = [];
const verdicts: string[] = [];
for (const section of chosen) {
  const result = await section.run();
  markdown.push(result.markdown);
  for (const { met, text } of result.verdicts) verdicts.push(`- ${met ? 'met' : '**missed**'}: ${text}`);
}

if (wanted.length) {
  process.stdout.write(`## Targets\n\n${verdicts.join('\n')}\n\n${markdown.join('\n\n')}\n`);
} else {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const version = async (command: string, args: string[]) => (await x(command, args, { throwOnError: false })).stdout.trim().split('\n')[0];
  const header = `# Benchmarks

Measured by \`npm run bench\` (\`bun scripts/bench.ts\`; \`BENCH_QUICK=1\` for smaller counts) on ${new Date().toISOString().slice(0, 10)}.
Each figure is compared with a reference measured in the same run; the machine is shared and noisy, so
read the ratios, not the absolute numbers.

Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB. Node ${await version('node', ['--version'])}, ${await version(DENO, ['--version'])}, bun ${await version(BUN, ['--version'])}, codex ${await version(CODEX, ['--version'])}.
Load comes from \`scripts/bench/load-server.mjs\` (a fake app-server given as \`--codex-bin\`) and, over WebSocket,
\`scripts/bench/ws-load-server.mjs\`; the references are \`scripts/bench/reference-reader.mjs\` (minimal, readline, echo),
\`scripts/bench/ws-reference-reader.mjs\` and \`scripts/bench/bare-client.mjs\`.

## Targets

${verdicts.join('\n')}
`;
  const notes = readFileSync(join(ROOT, 'scripts/bench/NOTES.md'), 'utf8');
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), `${header}\n${markdown.join('\n\n')}\n\n${notes}`);
  log('wrote BENCHMARKS.md');
}

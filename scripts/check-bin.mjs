// Checks built binaries without running them: the executable format and architecture from the header,
// the SEA fuse flipped by pkg (the blob was injected), our bundle and the inspector page inside, and the SHA256SUMS line.
//   node scripts/check-bin.mjs            every binary in dist/bin
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { binaryName, TARGETS } from './targets.mjs';

const ROOT = resolve(import.meta.dirname, '..');
export const BIN_DIR = join(ROOT, 'dist', 'bin');
// Node's SEA fuse: ":0" in a plain node binary, ":1" once a blob is injected.
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:';
// A string only our bundle holds (the heading above a failed server's stderr).
const OUR_CODE = "last lines of the server's stderr:";
// A string only the inspector page's script holds: the page is embedded, never read from beside the binary.
const OUR_PAGE = 'Click a row to see its whole message.';

/** "ELF x86-64", "Mach-O arm64", "PE32+ x86-64", … from the first bytes. */
export function executableFormat(data) {
  if (data.readUInt32BE(0) === 0x7f454c46) {
    const machine = data.readUInt16LE(0x12);
    return `ELF ${{ 0x3e: 'x86-64', 0xb7: 'aarch64' }[machine] ?? `machine 0x${machine.toString(16)}`}`;
  }
  if (data.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = data.readUInt32LE(4);
    return `Mach-O ${{ 0x01000007: 'x86_64', 0x0100000c: 'arm64' }[cpu] ?? `cpu 0x${cpu.toString(16)}`}`;
  }
  if (data.toString('latin1', 0, 2) === 'MZ') {
    const pe = data.readUInt32LE(0x3c);
    if (data.toString('latin1', pe, pe + 4) !== 'PE\0\0') return 'MZ without PE header';
    const machine = data.readUInt16LE(pe + 4);
    const magic = data.readUInt16LE(pe + 24);
    return `${magic === 0x20b ? 'PE32+' : 'PE32'} ${{ 0x8664: 'x86-64', 0xaa64: 'arm64' }[machine] ?? `machine 0x${machine.toString(16)}`}`;
  }
  return 'unknown';
}

export function checkBinary(target) {
  const path = join(BIN_DIR, binaryName(target));
  const problems = [];
  if (!existsSync(path)) return { target: target.name, path, problems: ['missing'] };
  const data = readFileSync(path);
  const format = executableFormat(data);
  if (format !== target.format) problems.push(`format ${format}, expected ${target.format}`);
  const fuse = data.indexOf(FUSE);
  if (fuse === -1) problems.push('no SEA fuse: not a Node binary');
  else if (data[fuse + FUSE.length] !== 0x31) problems.push('SEA fuse not flipped: no application injected');
  if (data.indexOf(OUR_CODE) === -1) problems.push('codex-dbg bundle not found inside');
  if (data.indexOf(OUR_PAGE) === -1) problems.push('inspector page not found inside');
  const sums = existsSync(join(BIN_DIR, 'SHA256SUMS')) ? readFileSync(join(BIN_DIR, 'SHA256SUMS'), 'utf8') : '';
  const digest = createHash('sha256').update(data).digest('hex');
  if (!sums.split('\n').includes(`${digest}  ${binaryName(target)}`)) problems.push('no matching SHA256SUMS line');
  return { target: target.name, path, format, size: data.length, problems };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  let failed = 0;
  for (const target of TARGETS) {
    const result = checkBinary(target);
    if (result.problems.includes('missing')) {
      console.log(`${target.name}: not built`);
      continue;
    }
    failed += result.problems.length > 0 ? 1 : 0;
    console.log(`${target.name}: ${result.format}, ${(result.size / 1024 / 1024).toFixed(1)} MiB${result.problems.length ? `; PROBLEMS: ${result.problems.join('; ')}` : ', ok'}`);
  }
  process.exit(failed ? 1 : 0);
}

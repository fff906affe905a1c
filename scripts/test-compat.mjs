// Runs the end-to-end tests against older codex releases (the pinned one is what `npm test` runs against).
// Each release is installed from npm once into <cache>/codex-dbg/compat/<version> and kept there, so a later
// run spawns no npm at all; then vitest runs the end-to-end files with CODEX_DBG_TEST_CODEX set to it.
//   npm run test:compat                       the default releases (COMPAT_VERSIONS below)
//   npm run test:compat -- 0.155.0 0.144.6    other releases
//   npm run test:compat -- --install-only     install (or find) the releases and stop
//   npm run test:compat -- --json <dir>       vitest's JSON report per release goes to <dir>/compat-<v>.json (default .tmp)
// Ends with one `compat: N passed, N failed` line that counts every release's tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Two older releases, about ten and twenty weeks before the pinned 0.169.0. */
export const COMPAT_VERSIONS = ['0.160.1', '0.150.1'];

/**
 * The end-to-end files that talk to codex. Left out: install.test.ts (packs this package; no codex in it) and
 * runtimes.test.ts (Deno and Bun running this package; the codex they reach is not what it tests).
 */
const FILES = ['core', 'commands', 'plugins', 'protocol-checks', 'protocol-coverage', 'reliability', 'scripted', 'compat'].map((name) => `test/e2e/${name}.test.ts`);

const ROOT = resolve(import.meta.dirname, '..');

/** <cache>/codex-dbg/compat, the folder `schema diff <version>` looks in (compatCacheDir in src/codex/schema-source.ts). */
function cacheRoot() {
  const env = process.env;
  let base = env.XDG_CACHE_HOME;
  if (!base && process.platform === 'darwin') base = join(homedir(), 'Library', 'Caches');
  if (!base && process.platform === 'win32') base = env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local');
  return join(base || join(homedir(), '.cache'), 'codex-dbg', 'compat');
}

/** The platform package npm installs beside @openai/codex: @openai/codex-linux-x64 and so on. */
function platformPackage() {
  return `@openai/codex-${process.platform}-${process.arch}`;
}

/** The native binary inside an installed release, or undefined. */
function findBinary(dir) {
  const vendor = join(dir, 'node_modules', platformPackage(), 'vendor');
  if (!existsSync(vendor)) return undefined;
  const name = process.platform === 'win32' ? 'codex.exe' : 'codex';
  for (const triple of readdirSync(vendor)) {
    const candidate = join(vendor, triple, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function versionOf(bin) {
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().split(/\s+/).pop() : undefined;
}

/** Installs a release into the cache unless it is there already; returns its binary. */
export function installRelease(version) {
  const dir = join(cacheRoot(), version);
  let bin = findBinary(dir);
  if (bin && versionOf(bin) === version) {
    console.log(`compat: codex ${version} cached at ${bin}`);
    return bin;
  }
  mkdirSync(dir, { recursive: true });
  console.log(`compat: installing @openai/codex@${version} from npm into ${dir}`);
  const started = Date.now();
  const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `@openai/codex@${version}`], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  bin = findBinary(dir);
  if (npm.status !== 0 || !bin) throw new Error(`npm install @openai/codex@${version} failed (no ${platformPackage()} binary in ${dir})`);
  const said = versionOf(bin);
  if (said !== version) throw new Error(`${bin} says it is codex ${said}, not ${version}`);
  console.log(`compat: installed codex ${version} in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}

function runSuite(version, bin, jsonDir) {
  const report = join(jsonDir, `compat-${version}.json`);
  rmSync(report, { force: true });
  const args = ['vitest', 'run', ...FILES, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  console.log(`compat: codex ${version}: npx ${args.join(' ')}`);
  const started = Date.now();
  const run = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CODEX_DBG_TEST_CODEX: bin }, shell: process.platform === 'win32' });
  const seconds = Math.round((Date.now() - started) / 1000);
  let passed = 0;
  let failed = run.status === 0 ? 0 : 1;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed = json.numPassedTests;
    failed = json.numFailedTests + (run.status !== 0 && json.numFailedTests === 0 ? 1 : 0);
  }
  console.log(`compat: codex ${version}: ${run.status === 0 ? 'green' : 'FAILED'} in ${seconds} s`);
  return { passed, failed };
}

function main(argv) {
  const installOnly = argv.includes('--install-only');
  const jsonAt = argv.indexOf('--json');
  const jsonDir = resolve(jsonAt === -1 ? join(ROOT, '.tmp') : argv[jsonAt + 1]);
  mkdirSync(jsonDir, { recursive: true });
  const versions = argv.filter((arg, i) => /^\d+\.\d+\.\d+/.test(arg) && argv[i - 1] !== '--json');
  let passed = 0;
  let failed = 0;
  for (const version of versions.length ? versions : COMPAT_VERSIONS) {
    let bin;
    try {
      bin = installRelease(version);
    } catch (error) {
      console.error(`compat: ${error.message}`);
      failed++;
      continue;
    }
    if (installOnly) continue;
    const counts = runSuite(version, bin, jsonDir);
    passed += counts.passed;
    failed += counts.failed;
  }
  console.log(`compat: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));

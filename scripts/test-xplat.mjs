// Runs the standalone binaries of the other platforms on this Linux x64 machine: linux-arm64 under qemu-user
// (the codex it spawns is the x64 one, run natively) and win-x64 under wine (against a fake server that is
// itself a Windows executable). macOS binaries cannot run here. One line per check, one per platform, and a
// closing `xplat: N passed, N failed`.
//   npm run test:xplat                     the binaries in dist/bin (npm run build:bin -- --all first)
//   npm run test:xplat -- --require        a missing qemu, wine or binary is a failure, not a skip (CI)
//   npm run test:xplat -- --broken         packs a bundle that throws at start for both platforms and
//                                          passes only if every check fails on it (the checks can fail)
//   npm run test:xplat -- --only win-x64   one platform
// Every command gets stdin, stdout and stderr on files: wine's Node dies on a Linux pipe (EBADF).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { packSea } from './build-bin.mjs';
import { binaryName, TARGETS } from './targets.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const RECORDING = join(ROOT, 'test/fixtures/approval-turn.recording.jsonl');
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const QUICK_MS = 120_000; // generous: the machine is shared and emulation is slow
const SESSION_MS = 300_000;

const argv = process.argv.slice(2);
const REQUIRE = argv.includes('--require');
const BROKEN = argv.includes('--broken');
const ONLY = argv.flatMap((arg, i) => (arg === '--only' ? [argv[i + 1]] : []));
const target = (name) => TARGETS.find((t) => t.name === name);
for (const name of ONLY) {
  if (['linux-arm64', 'win-x64'].includes(name)) continue;
  console.error(`test-xplat: --only ${name}: runnable here are linux-arm64 and win-x64`);
  process.exit(2);
}

// ---- processes ----------------------------------------------------------------------------------------

const root = mkdtempSync(join(tmpdir(), 'codex-dbg-xplat-'));
const cleanups = [() => rmSync(root, { recursive: true, force: true })];
async function cleanUp() {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}
// On a signal: stop the command under way and run no more; the run then unwinds and cleans up as usual.
const running = new Set();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    for (const pid of running) kill(-pid);
  });
}

/** A fresh directory under the run's temporary root, with these files in it. */
function folder(name, files = {}) {
  const dir = mkdtempSync(join(root, `${name}-`));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Live (not zombie) processes, from /proc: pid, process group, command line and environment. */
function processes() {
  const found = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const text = (file) => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0');
      found.push({ pid: Number(pid), pgid: Number(pgid), cmdline: text('cmdline').join(' ').trim(), environ: text('environ') });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** SIGKILL to a pid (or, negative, a process group) that may be gone already. */
function kill(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function waitUntil(condition, timeoutMs) {
  for (const until = Date.now() + timeoutMs; !condition() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 200));
}

/**
 * Runs a command in its own process group with stdin, stdout and stderr on files; kills the group at the
 * timeout. With `ownGroup`, whatever is still running in the group after it exits is killed and reported.
 */
async function run(command, { cwd = root, env = process.env, input = '', timeoutMs = QUICK_MS, ownGroup = false } = {}) {
  if (interrupted) throw new Error('interrupted');
  const io = folder('io', { stdin: input });
  const files = ['stdin', 'stdout', 'stderr'].map((name) => join(io, name));
  const fds = files.map((file, i) => openSync(file, i === 0 ? 'r' : 'w'));
  let timedOut = false;
  let timer;
  let exit;
  try {
    const child = spawn(command[0], command.slice(1), { cwd, env, stdio: fds, detached: true });
    running.add(child.pid);
    timer = setTimeout(() => {
      timedOut = true;
      kill(-child.pid);
    }, timeoutMs);
    exit = await once(child, 'exit');
    exit.pid = child.pid;
    running.delete(child.pid);
  } finally {
    clearTimeout(timer);
    for (const fd of fds) closeSync(fd);
  }
  const leftovers = ownGroup ? processes().filter((p) => p.pgid === exit.pid) : [];
  for (const { pid } of leftovers) kill(pid);
  const [stdout, stderr] = files.slice(1).map((file) => readFileSync(file, 'utf8'));
  rmSync(io, { recursive: true, force: true });
  return { code: exit[0], signal: exit[1], timedOut, stdout, stderr, leftovers: leftovers.map((p) => p.cmdline) };
}

function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

// ---- checking -----------------------------------------------------------------------------------------

/** A check that did not hold; carries what the command did, when there was one. */
class CheckFailed extends Error {
  constructor(message, result) {
    super(message);
    this.result = result;
  }
}

const tail = (text) => (text.trim() ? text.trim().split('\n').slice(-6).map((line) => `      | ${line}`).join('\n') : '      | (empty)');
/** Fails the check with what was expected and, when given, what the command did. */
function must(ok, expected, result) {
  if (ok) return;
  const how = result && `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}${result.timedOut ? ', killed at the timeout' : ''}`;
  throw new CheckFailed(result ? `expected ${expected}; got ${how}\n    stdout:\n${tail(result.stdout)}\n    stderr:\n${tail(result.stderr)}` : `expected ${expected}`, result);
}
/** Every command must exit by itself and leave nothing running in its process group. */
function mustEnd(result) {
  must(!result.timedOut, 'the command to end by itself', result);
  must(result.leftovers.length === 0, `nothing left running; killed: ${result.leftovers.join(', ')}`, result);
}

/** The user plugin of test/e2e/runtimes.test.ts, as TypeScript or plain ESM: it imports definePlugin from
 *  'codex-dbg' (in an empty folder only the binary itself can provide that) and accepts approvals. */
function userPlugin(kind) {
  const typed = (annotation) => (kind === 'ts' ? annotation : '');
  return `import { definePlugin } from 'codex-dbg';
const decision${typed(": 'accept'")} = 'accept';
export default definePlugin({
  name: 'user-${kind}',
  handlers: {
    'item/commandExecution/requestApproval': (params${typed(': { command: string }')}, ctx) => {
      ctx.log('answered ' + params.command);
      return { decision };
    },
    'item/fileChange/requestApproval': () => ({ decision }),
  },
});
`;
}

const USAGE_ERRORS = [['--bogus'], ['--approval-policy', 'sometimes'], ['replay']];

/** As test/e2e/runtimes.test.ts: a session against the real codex where the policy plugin allows one
 *  command and a user plugin (.ts or .mjs, alone in the working folder) the other. */
function pluginSession(kind) {
  return [`a .${kind} user plugin importing codex-dbg, from an empty folder`, async ({ bin, codex }) => {
    const inputs = folder('inputs', {
      'rules.json': JSON.stringify({ commands: [{ match: '*by-policy*', decision: 'allow' }] }),
      'script.json': JSON.stringify({ steps: [{ command: 'touch by-policy.txt' }, { command: 'touch by-user-plugin.txt' }, { text: 'both done' }] }),
    });
    const dir = folder('plugin', { [`user.${kind}`]: userPlugin(kind) });
    const result = await bin(
      ['--codex-bin', codex, '--scripted-model', join(inputs, 'script.json'), '--approval-policy', 'untrusted', '--sandbox', 'workspace-write',
        '--plugin', `policy:file=${join(inputs, 'rules.json')}`, '--plugin', `./user.${kind}`, '--format', 'final'],
      { cwd: dir, input: 'run both\n', timeoutMs: SESSION_MS },
    );
    mustEnd(result);
    must(result.code === 0 && result.stdout.includes('both done'), '"both done" and exit 0', result);
    must(new RegExp(`\\[user-${kind}\\] answered .*by-user-plugin\\.txt`).test(result.stderr), 'the plugin to answer the second approval', result);
    must(existsSync(join(dir, 'by-policy.txt')) && existsSync(join(dir, 'by-user-plugin.txt')), 'both commands to have run', result);
  }];
}

const checks = {
  version: ['--version', async ({ bin }) => {
    const result = await bin(['--version']);
    mustEnd(result);
    must(result.code === 0 && result.stdout.trim() === `codex-dbg ${VERSION}`, `"codex-dbg ${VERSION}" and exit 0`, result);
  }],

  help: ['--help', async ({ bin }) => {
    const result = await bin(['--help']);
    mustEnd(result);
    must(result.code === 0 && result.stdout.includes('replay <recording>') && result.stdout.includes('--scripted-model'), 'the usage text and exit 0', result);
  }],

  usageErrors: ['bad flags: exit 2 and one line', async ({ bin }) => {
    for (const args of USAGE_ERRORS) {
      const result = await bin(args);
      mustEnd(result);
      const lines = result.stderr.trim().split('\n');
      must(result.code === 2 && lines.length === 1 && lines[0].startsWith('codex-dbg: error [E_USAGE]: '), `exit 2 and one E_USAGE line for ${args.join(' ')}`, result);
    }
  }],

  replay: ['replay of a fixture recording with a .ts plugin file', async ({ bin, path }) => {
    const dir = folder('replay', { 'user.ts': userPlugin('ts') });
    const same = await bin(['replay', path(RECORDING), '--plugin', 'user.ts'], { cwd: dir });
    mustEnd(same);
    must(same.code === 0 && same.stderr.includes('replayed 2 server requests: no differences'), 'no differences and exit 0', same);
    must(/\[user-ts\] answered .*echo hi > out\.txt/.test(same.stderr), 'the plugin to log its answer', same);
    const opposite = await bin(['replay', path(RECORDING), '--plugin', 'decline'], { cwd: dir });
    mustEnd(opposite);
    must(opposite.code === 1 && opposite.stderr.includes('replayed 2 server requests: 2 differences'), 'with decline: 2 differences and exit 1', opposite);
  }],

  demo: ['demo against the real codex (x64, spawned natively)', async ({ bin, codex }) => {
    const result = await bin(['demo'], { env: { CODEX_BIN: codex }, timeoutMs: SESSION_MS });
    mustEnd(result);
    must(result.code === 0, 'exit 0', result);
    // Whether each attestation answer beat codex's 100 ms limit is a matter of speed, and emulation is slow:
    // the check is that attestation-stub answered, not the header the model saw.
    for (const line of ['hello.txt: "hello from codex-dbg"', 'notes.md: written', '[attestation-stub] attestation/generate #0 answered']) {
      must(result.stderr.includes(line), line, result);
    }
  }],

  pluginTs: pluginSession('ts'),
  pluginMjs: pluginSession('mjs'),

  // codex-dbg spawns `<codex-bin> --config k=v … app-server`; the fake server is a Windows executable too.
  fakeServer: ['a session against a fake server (every server request answered once, a .mjs plugin)', async ({ bin, path, fakeServer, isRunning }) => {
    const dir = folder('session', { 'user.mjs': userPlugin('mjs') });
    const argvFile = join(dir, 'server-argv.json');
    const config = 'model_providers.x={name="x y", base_url="http://127.0.0.1:1/v1"}';
    const result = await bin(['--codex-bin', path(fakeServer), '-c', config, '--plugin', 'user.mjs', '--format', 'jsonl', 'exec', 'hello'], {
      cwd: dir,
      env: { FAKE_MODE: 'requests', FAKE_ARGV_FILE: path(argvFile) },
      timeoutMs: SESSION_MS,
    });
    mustEnd(result);
    must(result.code === 0, 'exit 0', result);
    const serverArgs = existsSync(argvFile) ? JSON.parse(readFileSync(argvFile, 'utf8')).slice(-3) : [];
    must(JSON.stringify(serverArgs) === JSON.stringify(['--config', config, 'app-server']), `the server started as <bin> --config ${config} app-server, got ${JSON.stringify(serverArgs)}`);
    const entries = result.stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
    const asked = entries.filter((e) => e.dir === 'in' && e.kind === 'request').map((e) => e.message.id);
    const answers = entries.filter((e) => e.dir === 'out' && (e.kind === 'response' || e.kind === 'error'));
    must(asked.length === 12, `12 server requests, got ${asked.length}`, result);
    for (const id of asked) must(answers.filter((e) => e.message.id === id).length === 1, `server request ${id} answered exactly once`, result);
    must(answers.find((e) => e.message.id === 0)?.message.result?.decision === 'accept', 'the command approval accepted by the plugin', result);
    must(result.stderr.includes('[user-mjs] answered ls'), 'the plugin to log its answer', result);
    must(entries.some((e) => e.message.method === 'turn/completed'), 'turn/completed', result);
    await waitUntil(() => !isRunning('fake-server.exe'), 30_000);
    must(!isRunning('fake-server.exe'), 'the fake server stopped once codex-dbg exited');
  }],
};

// ---- platforms ----------------------------------------------------------------------------------------

const LINUX_ARM64 = {
  target: target('linux-arm64'),
  under: 'qemu',
  checks: [checks.version, checks.help, checks.demo, checks.pluginTs, checks.pluginMjs, checks.replay, checks.usageErrors],
  missing() {
    if (!onPath('qemu-aarch64-static')) return 'qemu-aarch64-static not found';
    if (!existsSync(join(ARM64_SYSROOT, 'lib/ld-linux-aarch64.so.1'))) return `no arm64 C library in ${ARM64_SYSROOT}`;
  },
  install: 'apt-get install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross',
  setup: 'the x64 codex located',
  async start(binary) {
    // The x64 codex, found the way the tests find it (the arm64 binary would look for an arm64 one).
    const { locateCodex } = await importSource('src/transports/locate-codex.ts');
    const codex = locateCodex({ env: {}, searchRoots: [ROOT] }).path;
    const env = { ...process.env, NO_COLOR: '1', RUST_LOG: 'warn' };
    return {
      codex,
      path: (p) => p,
      bin: (args, options = {}) => run(['qemu-aarch64-static', '-L', ARM64_SYSROOT, binary, ...args], { ...options, env: { ...env, ...options.env }, ownGroup: true }),
      stop: async () => {},
    };
  },
};

const WIN_X64 = {
  target: target('win-x64'),
  under: 'wine',
  checks: [checks.version, checks.help, checks.replay, checks.usageErrors, checks.fakeServer],
  missing() {
    for (const tool of ['wine', 'wineboot', 'winecfg', 'wineserver']) if (!onPath(tool)) return `${tool} not found`;
  },
  install: 'apt-get install wine wine64',
  setup: 'fake server packed as a Windows executable, wine prefix booted',
  async start(binary) {
    const prefix = join(root, 'wine');
    const home = folder('wine-home');
    const env = {
      ...process.env,
      WINEPREFIX: prefix,
      WINEDEBUG: '-all',
      // No Mono or Gecko install prompts, no desktop menu entries; nothing of wine's outside the temp root.
      WINEDLLOVERRIDES: 'mscoree,mshtml=;winemenubuilder.exe=d',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      NO_COLOR: '1',
    };
    delete env.DISPLAY;
    const ours = () => processes().filter((p) => p.environ.includes(`WINEPREFIX=${prefix}`));
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      spawnSync('wineserver', ['-k'], { env, stdio: 'ignore', timeout: QUICK_MS });
      await waitUntil(() => ours().length === 0, 30_000);
      const stragglers = ours();
      for (const { pid } of stragglers) kill(pid);
      if (stragglers.length) console.log(`  (killed ${stragglers.length} wine processes that outlived wineserver -k)`);
    };
    cleanups.push(stop);
    const fakeServer = await buildFakeServer();
    // Node refuses wine's default Windows version: win10 for this prefix. Then wait for the boot's background
    // work to finish (wineserver exits once only wine's own services are left), and start a wineserver that
    // stays until `wineserver -k`, rather than one per command.
    for (const command of [['wineboot', '--init'], ['winecfg', '-v', 'win10'], ['wineserver', '-w'], ['wineserver', '-p']]) {
      const result = await run(command, { env, timeoutMs: SESSION_MS });
      if (result.code !== 0) throw new Error(`${command.join(' ')} failed (exit ${result.code}): ${result.stderr.trim().split('\n').pop()}`);
    }
    return {
      fakeServer,
      // wine maps the Linux root to drive Z:.
      path: (p) => `Z:${p.replaceAll('/', '\\')}`,
      isRunning: (name) => ours().some((p) => p.cmdline.includes(name)),
      bin: (args, options = {}) => run(['wine', binary, ...args], { ...options, env: { ...env, ...options.env } }),
      stop,
    };
  },
};

const NOT_RUNNABLE = ['macos-x64', 'macos-arm64'];

/** Imports a TypeScript module of src/ on this Node (which cannot strip types): bundled by esbuild in memory. */
async function importSource(path) {
  const { outputFiles } = await build({ entryPoints: [join(ROOT, path)], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning' });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].contents).toString('base64')}`);
}

/** test/helpers/fake-server.mjs as a Windows executable (pkg, like the binaries), writing its argv to $FAKE_ARGV_FILE. */
async function buildFakeServer() {
  const dir = folder('fake-server');
  await build({
    entryPoints: [join(ROOT, 'test/helpers/fake-server.mjs')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: join(dir, 'fake-server.cjs'),
    banner: { js: 'if (process.env.FAKE_ARGV_FILE) require("node:fs").writeFileSync(process.env.FAKE_ARGV_FILE, JSON.stringify(process.argv));' },
    logLevel: 'warning',
  });
  await packSea(join(dir, 'fake-server.cjs'), target('win-x64'), join(dir, 'fake-server.exe'));
  return join(dir, 'fake-server.exe');
}

/** The shipped bundle with a throw before its first statement, packed for both platforms. */
async function buildBrokenBinaries() {
  const dir = folder('broken');
  const bundle = join(ROOT, 'dist/codex-dbg.cjs');
  const built = await run(['node', join(ROOT, 'scripts/build.mjs'), '--cjs'], { cwd: ROOT });
  if (built.code !== 0) throw new Error(`scripts/build.mjs --cjs failed: ${built.stderr}`);
  const broken = readFileSync(bundle, 'utf8').replace(/^(#!.*\n)?/, (shebang) => `${shebang}throw new Error(${JSON.stringify(BROKEN_MARK)});\n`);
  writeFileSync(join(dir, 'broken.cjs'), broken);
  const binaries = {};
  for (const platform of [LINUX_ARM64, WIN_X64]) {
    binaries[platform.target.name] = join(dir, binaryName(platform.target));
    await packSea(join(dir, 'broken.cjs'), platform.target, binaries[platform.target.name]);
  }
  return binaries;
}

// ---- running ------------------------------------------------------------------------------------------

/** Runs a platform's checks against a binary: for each, its name and the error it failed with, if any. */
async function runChecks(platform, binary, label) {
  const started = performance.now();
  let session;
  try {
    session = await platform.start(binary);
  } catch (error) {
    console.log(`  FAIL ${label}: setup: ${error.message}`);
    return platform.checks.map(([name]) => ({ name, error: new Error(`setup failed: ${error.message}`) }));
  }
  console.log(`  ${label}: set up in ${seconds(started)} s (${platform.setup})`);
  const outcomes = [];
  try {
    for (const [name, check] of platform.checks) {
      if (interrupted) break;
      const started = performance.now();
      const outcome = { name, error: undefined };
      try {
        await check(session);
      } catch (error) {
        outcome.error = error;
      }
      outcomes.push(outcome);
      console.log(describe(outcome, label, seconds(started)));
    }
  } finally {
    await session.stop();
  }
  return outcomes;
}

const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);
const BROKEN_MARK = 'deliberately broken bundle (test-xplat --broken)';

/** On the real binary a check must pass; on the broken one it must fail, and because of the break. */
function asExpected({ error }) {
  return BROKEN ? Boolean(error?.result?.stderr.includes(BROKEN_MARK)) : !error;
}

function describe(outcome, label, took) {
  const { name, error } = outcome;
  const why = error instanceof CheckFailed ? error.message : error?.stack;
  if (!BROKEN) return error ? `  FAIL ${label}: ${name}: ${why}` : `  ok   ${label}: ${name} (${took} s)`;
  if (asExpected(outcome)) return `  ok   ${label}: ${name}: fails on the broken bundle (${why.split('\n')[0]})`;
  return `  FAIL ${label}: ${name}: ${error ? `fails, but not because of the broken bundle: ${why}` : 'passes on the broken bundle'}`;
}

async function main() {
  const platforms = [LINUX_ARM64, WIN_X64].filter((p) => ONLY.length === 0 || ONLY.includes(p.target.name));
  let passed = 0;
  let failed = 0;
  const summary = [];
  const runnable = [];
  for (const platform of platforms) {
    const label = `${platform.target.name} under ${platform.under}`;
    const binary = join(ROOT, 'dist/bin', binaryName(platform.target));
    const missing = platform.missing() ?? (!BROKEN && !existsSync(binary) ? `${binary} not built (npm run build:bin -- --target ${platform.target.name})` : undefined);
    if (!missing) runnable.push({ platform, binary, label });
    else if (REQUIRE) {
      failed++;
      summary.push(`${label}: FAILED, ${missing} (${platform.install})`);
    } else summary.push(`${label}: skipped, ${missing} (${platform.install})`);
  }
  const broken = BROKEN && runnable.length ? await buildBrokenBinaries() : {};
  for (const { platform, binary, label } of runnable) {
    if (interrupted) break;
    const outcomes = await runChecks(platform, broken[platform.target.name] ?? binary, label);
    const wrong = outcomes.filter((outcome) => !asExpected(outcome));
    if (BROKEN) {
      // One verdict per platform: the checks are worth something only if each of them can fail.
      wrong.length ? failed++ : passed++;
      summary.push(`broken bundle, ${label}: ${wrong.length ? `FAILED: ${wrong.length} of ${outcomes.length} checks did not fail because of it (${wrong.map((o) => o.name).join('; ')})` : `all ${outcomes.length} checks fail, as they must`}`);
    } else {
      passed += outcomes.length - wrong.length;
      failed += wrong.length;
      summary.push(`${label}: ${outcomes.length - wrong.length} passed${wrong.length ? `, ${wrong.length} failed (${wrong.map((o) => o.name).join('; ')})` : ''}`);
    }
  }
  if (interrupted) summary.push('interrupted: the remaining checks did not run');
  if (!BROKEN && ONLY.length === 0) summary.push(`${NOT_RUNNABLE.join(', ')}: not runnable here (no macOS on Linux; scripts/check-bin.mjs checks their format and contents)`);
  console.log(summary.join('\n'));
  console.log(`xplat${BROKEN ? ' --broken' : ''}: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

let status = 1;
try {
  status = await main();
} finally {
  await cleanUp();
}
process.exit(interrupted ? 130 : status);

// The table of real command lines (test/helpers/command-lines.ts) read by the program itself under Node
// (the npm bundle), Bun (the source) and the standalone binary; then the shell completion scripts, each
// run by its own shell.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { describe, expect, test } from 'vitest';
import { CLI, ROOT } from '../helpers/world.ts';
import { READ_AS, REFUSED } from '../helpers/command-lines.ts';

const BINARY = join(ROOT, 'dist', 'bin', `codex-dbg-${process.platform === 'darwin' ? 'macos' : process.platform}-${process.arch}`);
// CI builds the binaries before the tests; elsewhere the binary's run needs `npm run build:bin` first.
const haveBinary = existsSync(BINARY) || Boolean(process.env.CI);

const RUNTIMES: [string, string[]][] = [
  ['node', ['node', CLI]],
  ['bun', [join(ROOT, 'node_modules/.bin/bun'), join(ROOT, 'src/cli.ts')]],
  ['standalone binary', [BINARY]],
];

async function run(command: string[], args: string[], env: NodeJS.ProcessEnv = {}) {
  const [bin, ...pre] = command as [string, ...string[]];
  const result = await x(bin, [...pre, ...args], {
    throwOnError: false,
    timeout: 60_000,
    nodeOptions: { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } },
  });
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
}

describe.each(RUNTIMES)('%s', (name, command) => {
  const skip = name === 'standalone binary' && !haveBinary;
  test.skipIf(skip)('reads every command line of the table as the table says', async () => {
    const results = await Promise.all(READ_AS.map(([argv]) => run(command, argv, { CODEX_DBG_PRINT_ARGS: '1' })));
    READ_AS.forEach(([argv, expected], index) => {
      const result = results[index] as Awaited<ReturnType<typeof run>>;
      expect(result.stderr, JSON.stringify(argv)).toBe('');
      expect(JSON.parse(result.stdout), JSON.stringify(argv)).toEqual(expected);
    });
  });

  test.skipIf(skip)('refuses each mistake with exit 2 and one line', async () => {
    const results = await Promise.all(REFUSED.map(([argv]) => run(command, argv)));
    REFUSED.forEach(([argv, message], index) => {
      const result = results[index] as Awaited<ReturnType<typeof run>>;
      expect(result.exitCode, JSON.stringify(argv)).toBe(2);
      expect(result.stderr.trim().split('\n'), JSON.stringify(argv)).toHaveLength(1);
      expect(result.stderr, JSON.stringify(argv)).toMatch(/^codex-dbg: error \[E_USAGE\]: /);
      expect(result.stderr, JSON.stringify(argv)).toMatch(message);
    });
  });
});

describe('help, and the messages people meet first', () => {
  test('--help has a real usage line and no trailing spaces; help <command> equals <command> --help', async () => {
    const help = await run(['node', CLI], ['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^ {2}codex-dbg exec <prompt> \[flags\]/m);
    expect(help.stdout.split('\n').filter((line) => / $/.test(line))).toEqual([]);
    const [byCommand, byFlag] = await Promise.all([run(['node', CLI], ['help', 'demo']), run(['node', CLI], ['demo', '--help'])]);
    expect(byCommand.stdout).toBe(byFlag.stdout);
    expect(byCommand.stdout).toMatch(/^Usage: codex-dbg demo \[flags\]$/m);
    expect(byCommand.stdout).not.toContain('--thread-id');
  });

  test.each([
    [['replay', 'nofile.jsonl'], /replay nofile\.jsonl: no such file \(ENOENT\)/],
    [['--format', 'prety'], /--format prety: no such format \(did you mean pretty\?\); the formats are raw, final, pretty, jsonl/],
    [['help', 'dmeo'], /help dmeo: no such command \(did you mean demo\?\)/],
    [['completion', 'tcsh'], /completion tcsh: no script for this shell; use one of: bash, zsh, fish/],
  ])('%j', async (args, message) => {
    const result = await run(['node', CLI], args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

/** What each shell's completion offers for a partly typed line (the last word is the one being completed). */
const OFFERS: [string[], string[]][] = [
  [['codex-dbg', 'ex'], ['exec']],
  [['codex-dbg', '--approval-policy', 'un'], ['untrusted']],
  [['codex-dbg', '--auto-approve', 'exec', '--tu'], ['--turn-timeout']],
  [['codex-dbg', 'demo', '--thr'], []],
  [['codex-dbg', '--record', 'x.jsonl', 'call', 'thread/li'], ['thread/list']],
  [['codex-dbg', 'completion', 'f'], ['fish']],
];

const haveFish = (await x('sh', ['-c', 'command -v fish'], { throwOnError: false })).exitCode === 0;
const haveZsh = (await x('sh', ['-c', 'command -v zsh'], { throwOnError: false })).exitCode === 0;

describe('completion scripts', () => {
  test('bash', async () => {
    const script = (await run(['node', CLI], ['completion', 'bash'])).stdout;
    for (const [line, offered] of OFFERS) {
      const probe = `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _codex_dbg; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = await x('bash', ['-c', probe, '_', ...line], { throwOnError: true });
      expect(result.stdout.split('\n').filter(Boolean), line.join(' ')).toEqual(offered);
    }
  });

  // Installed by .ci/run; skipped where the shell is missing.
  test.skipIf(!haveFish)('fish', async () => {
    const script = (await run(['node', CLI], ['completion', 'fish'])).stdout;
    for (const [line, offered] of OFFERS) {
      const probe = `${script}\ncomplete -C ${JSON.stringify(line.join(' '))}`;
      const result = await x('fish', ['--no-config', '-c', probe], { throwOnError: true });
      const words = result.stdout.split('\n').filter(Boolean).map((row) => row.split('\t')[0]);
      expect(words, line.join(' ')).toEqual(offered);
    }
  });

  test.skipIf(!haveZsh)('zsh (its compadd stood in for, which filters by prefix itself)', async () => {
    const script = (await run(['node', CLI], ['completion', 'zsh'])).stdout;
    for (const [line, offered] of OFFERS) {
      const stubs = 'compadd() { shift; print -rl -- "$@"; }; _files() { print -r -- FILES; }; _directories() { :; }; compdef() { :; }';
      const probe = `${stubs}\n${script}\nwords=("$@"); CURRENT=$#; _codex_dbg`;
      const result = await x('zsh', ['-f', '-c', probe, '_', ...line], { throwOnError: true });
      const prefix = line[line.length - 1] as string;
      const words = result.stdout.split('\n').filter((word) => word && word.startsWith(prefix));
      expect(words, line.join(' ')).toEqual(offered);
    }
  });
});

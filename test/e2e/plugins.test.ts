// Plugins against the real codex app-server (and the fake server for requests the real one will not send).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test, afterAll } from 'vitest';
import { SERVER_REQUEST_METHODS } from '../../src/codex/protocol.ts';
import { type Entry, FAKE_SERVER, jsonLines, makeWorld, removeTempDirs, runCli, tempDir, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);

const APPROVAL_FLAGS = ['--approval-policy', 'untrusted', '--sandbox', 'workspace-write'];

let world: World | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

function repliesById(all: Entry[]): Map<number, Entry[]> {
  const replies = new Map<number, Entry[]>();
  for (const e of all) {
    if (e.dir !== 'out' || e.message.method !== undefined) continue;
    replies.set(e.message.id as number, [...(replies.get(e.message.id as number) ?? []), e]);
  }
  return replies;
}

describe('plugins', () => {
  test('a policy file denies one command and allows another in the same turn', async () => {
    world = await makeWorld({ steps: [{ command: 'touch denied.txt' }, { command: 'touch allowed.txt' }, { text: 'done' }] });
    const rules = join(world.workdir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ commands: [{ match: '*denied*', decision: 'deny' }, { match: '*allowed*', decision: 'allow' }] }));
    const result = await world.run([...world.args, ...APPROVAL_FLAGS, '--plugin', `policy:file=${rules}`, '--format', 'final'], { input: 'two commands\n' });
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(world.workdir, 'denied.txt'))).toBe(false);
    expect(existsSync(join(world.workdir, 'allowed.txt'))).toBe(true);
    expect(result.stderr).toMatch(/\[policy\] denied .*denied\.txt.* \(rule "\*denied\*"\)/);
    expect(result.stderr).toMatch(/\[policy\] allowed .*allowed\.txt.* \(rule "\*allowed\*"\)/);
    expect(result.stdout).toMatch(/touch denied\.txt' \(declined\)/);
    expect(result.stdout).toMatch(/touch allowed\.txt' \(completed, exit 0\)/);
  });

  test('attestation-stub in ChatGPT auth mode: the model request carries the stub token with "s":0; without it no attestation/generate', async () => {
    world = await makeWorld({ steps: [{ text: 'attested' }, { text: 'not attested' }], chatgpt: true });
    const withStub = await world.run([...world.args, '--plugin', 'attestation-stub', '--format', 'jsonl'], { input: 'hi\n' });
    expect(withStub.exitCode).toBe(0);
    expect(withStub.stderr).toContain('[attestation-stub] attestation/generate #0 answered with the stub token');
    expect(JSON.parse(String(world.model.requests[0].headers['x-oai-attestation']))).toEqual({ v: 1, s: 0, t: 'v1.codex-dbg-fake-attestation' });

    const without = await world.run([...world.args, '--format', 'jsonl'], { input: 'hi\n' });
    expect(without.exitCode).toBe(0);
    const requests = (jsonLines(without.stdout) as unknown as Entry[]).filter((e) => e.kind === 'request' && e.dir === 'in');
    expect(requests.map((e) => e.message.method)).not.toContain('attestation/generate');
    expect(world.model.requests).toHaveLength(2);
    expect(world.model.requests[1].headers['x-oai-attestation']).toBeUndefined();
  });

  test('a user .ts plugin from a temporary directory, importing definePlugin from codex-dbg, answers the approval', async () => {
    world = await makeWorld({ steps: [{ command: 'touch by-plugin.txt' }, { text: 'ok' }] });
    const dir = tempDir('plugin');
    const file = join(dir, 'approve-touch.ts');
    writeFileSync(
      file,
      `import { definePlugin } from 'codex-dbg';
type Decision = 'accept' | 'decline';
export default definePlugin({
  name: 'approve-touch',
  options: { verb: { type: 'string', default: 'touch' } },
  handlers: {
    'item/commandExecution/requestApproval': (params, ctx) => {
      const decision: Decision = String(params.command).includes(String(ctx.options.verb)) ? 'accept' : 'decline';
      ctx.log('decided ' + decision);
      return { decision };
    },
  },
});
`,
    );
    const result = await world.run([...world.args, ...APPROVAL_FLAGS, '--plugin', `${file}:verb=touch`, '--format', 'final'], { input: 'go\n' });
    expect(result.stderr).toContain('[approve-touch] decided accept');
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(world.workdir, 'by-plugin.txt'))).toBe(true);
  });

  test('a .cjs plugin using require("codex-dbg") and a plugin from an installed package both load and answer', async () => {
    const dir = tempDir('cjs-plugin');
    writeFileSync(
      join(dir, 'time.cjs'),
      `const { definePlugin } = require('codex-dbg');
module.exports = definePlugin({ name: 'fixed-time', handlers: { 'currentTime/read': () => ({ currentTimeAt: 42 }) } });
`,
    );
    mkdirSync(join(dir, 'node_modules', 'codex-dbg-user-input'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'codex-dbg-user-input', 'package.json'), '{"name":"codex-dbg-user-input","type":"module","main":"index.js"}');
    writeFileSync(
      join(dir, 'node_modules', 'codex-dbg-user-input', 'index.js'),
      `export default { name: 'user-input', handlers: { 'item/tool/requestUserInput': () => ({ answers: { q: { answers: ['yes'] } } }) } };\n`,
    );
    const result = await runCli(['--codex-bin', FAKE_SERVER, '--format', 'jsonl', '--plugin', './time.cjs', '--plugin', 'codex-dbg-user-input'], {
      cwd: dir,
      input: 'go\n',
      env: { ...process.env, FAKE_MODE: 'requests' },
    });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.exitCode).toBe(0);
    const all = jsonLines(result.stdout) as unknown as Entry[];
    const replies = repliesById(all);
    const reply = (method: string) => (replies.get(all.find((e) => e.dir === 'in' && e.message.method === method)?.message.id as number) as Entry[])[0].message;
    expect(reply('currentTime/read').result).toEqual({ currentTimeAt: 42 });
    expect(reply('item/tool/requestUserInput').result).toEqual({ answers: { q: { answers: ['yes'] } } });
  });

  test('every server request gets exactly one reply: the safe default when no plugin answers', async () => {
    const result = await runCli(['--codex-bin', FAKE_SERVER, '--format', 'jsonl'], { input: 'go\n', env: { ...process.env, FAKE_MODE: 'requests' } });
    expect(result.exitCode).toBe(0);
    const all = jsonLines(result.stdout) as unknown as Entry[];
    const requests = all.filter((e) => e.dir === 'in' && e.kind === 'request');
    expect(requests.map((e) => e.message.method)).toEqual([...SERVER_REQUEST_METHODS, 'unknown/serverMethod']);
    const replies = repliesById(all);
    for (const request of requests) expect(replies.get(request.message.id as number)).toHaveLength(1);
    const reply = (method: string) => {
      const request = requests.find((e) => e.message.method === method) as Entry;
      return (replies.get(request.message.id as number) as Entry[])[0].message;
    };
    expect(reply('item/commandExecution/requestApproval').result).toEqual({ decision: 'decline' });
    expect(reply('item/fileChange/requestApproval').result).toEqual({ decision: 'decline' });
    expect(reply('item/tool/requestUserInput').result).toEqual({ answers: {} });
    expect(reply('mcpServer/elicitation/request').result).toEqual({ action: 'decline', content: null });
    expect(reply('item/permissions/requestApproval').result).toEqual({ permissions: {}, scope: 'turn' });
    expect(reply('item/tool/call').result.success).toBe(false);
    expect(reply('account/chatgptAuthTokens/refresh').error.code).toBe(-32601);
    expect(reply('attestation/generate').error.code).toBe(-32601);
    expect(Number.isInteger(reply('currentTime/read').result.currentTimeAt)).toBe(true);
    expect(reply('applyPatchApproval').result.decision).toHaveProperty('denied');
    expect(reply('execCommandApproval').result.decision).toHaveProperty('denied');
    expect(reply('unknown/serverMethod').error.code).toBe(-32601);
  });

  test('plugins are asked in --plugin order; auto-approve and attestation-stub answer theirs, the rest fall through', async () => {
    const result = await runCli(['--codex-bin', FAKE_SERVER, '--format', 'jsonl', '--plugin', 'attestation-stub:token=t0k', '--plugin', 'auto-approve', '--plugin', 'decline'], {
      input: 'go\n',
      env: { ...process.env, FAKE_MODE: 'requests' },
    });
    expect(result.exitCode).toBe(0);
    const all = jsonLines(result.stdout) as unknown as Entry[];
    const init = all.find((e) => e.dir === 'out' && e.message.method === 'initialize');
    expect(init?.message.params.capabilities).toEqual({ experimentalApi: true, requestAttestation: true });
    const requests = all.filter((e) => e.dir === 'in' && e.kind === 'request');
    const replies = repliesById(all);
    const reply = (method: string) => (replies.get(requests.find((e) => e.message.method === method)?.message.id as number) as Entry[])[0].message;
    expect(reply('item/commandExecution/requestApproval').result).toEqual({ decision: 'accept' });
    expect(reply('execCommandApproval').result).toEqual({ decision: 'approved' });
    expect(reply('attestation/generate').result).toEqual({ token: 't0k' });
    expect(reply('item/tool/requestUserInput').result).toEqual({ answers: {} });
    expect(result.stderr).toContain('[attestation-stub] attestation/generate #7 answered with the stub token');

    // --auto-approve goes after every --plugin: here decline is asked first and wins.
    const fallback = await runCli(['--codex-bin', FAKE_SERVER, '--format', 'jsonl', '--auto-approve', '--plugin', 'decline'], {
      input: 'go\n',
      env: { ...process.env, FAKE_MODE: 'requests' },
    });
    const fallbackAll = jsonLines(fallback.stdout) as unknown as Entry[];
    const approval = fallbackAll.find((e) => e.dir === 'in' && e.message.method === 'item/commandExecution/requestApproval') as Entry;
    expect((repliesById(fallbackAll).get(approval.message.id as number) as Entry[])[0].message.result).toEqual({ decision: 'decline' });
  });

  test('bad plugins: unknown name, missing file, wrong shape and bad option each exit 2 with one line', async () => {
    const dir = tempDir('bad-plugin');
    writeFileSync(join(dir, 'shape.mjs'), 'export default { name: 42, handlers: { x: "not a function" } };\n');
    writeFileSync(join(dir, 'throws.mjs'), 'throw new Error("boom at import");\n');
    const cases: [string[], RegExp][] = [
      [['--plugin', 'nope'], /unknown plugin "nope": not a built-in \(decline, auto-approve, attestation-stub, ask, policy/],
      [['--plugin', './missing.ts'], /plugin file \.\/missing\.ts not found/],
      [['--plugin', join(dir, 'shape.mjs')], /does not export a plugin: name: "name" must be a string; handlers\.x: each handler must be a function/],
      [['--plugin', join(dir, 'throws.mjs')], /failed to load: boom at import/],
      [['--plugin', 'auto-approve:sesion=true'], /plugin "auto-approve": unknown option "sesion" \(it takes: session\)/],
      [['--plugin', 'policy'], /plugin "policy": option "file" is required/],
      [['--format', 'auto-approve'], /--format auto-approve: "auto-approve" is not a formatter/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['--codex-bin', FAKE_SERVER, ...args], { cwd: dir, input: '' });
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });
});

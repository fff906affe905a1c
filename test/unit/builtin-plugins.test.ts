// The built-in handler plugins through the real host, with a scripted person for `ask`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Prompter } from '../../src/plugins/host.ts';
import { PluginHost } from '../../src/plugins/host.ts';
import { validateOptions } from '../../src/plugins/options.ts';
import type { Plugin, PluginFactory } from '../../src/plugins/contract.ts';
import ask from '../../src/plugins/builtin/ask.ts';
import autoApprove from '../../src/plugins/builtin/auto-approve.ts';
import decline from '../../src/plugins/builtin/decline.ts';
import { compilePattern } from '../../src/plugins/builtin/glob.ts';
import createPolicy from '../../src/plugins/builtin/policy.ts';
import { plain } from '../helpers/colors.ts';
import { removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

async function hostFor(made: Plugin | PluginFactory, raw: Record<string, string> = {}, prompter?: Prompter) {
  const plugin = typeof made === 'function' ? await made(raw) : made;
  return new PluginHost([{ plugin, options: validateOptions(plugin.name, plugin.options, raw) }], undefined, {
    handlerTimeoutMs: 1000,
    color: plain,
    log: () => {},
    prompter,
  });
}
const command = (cmd: string) => ({ id: 1, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'i', startedAtMs: 0, command: cmd } });
const fileChange = { id: 2, method: 'item/fileChange/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'f1', startedAtMs: 0 } };

describe('built-in handler plugins', () => {
  test('decline, with cancel=true; auto-approve, with session=true; legacy vocabulary', async () => {
    expect(await (await hostFor(decline)).answer(command('ls'))).toEqual({ result: { decision: 'decline' } });
    expect(await (await hostFor(decline, { cancel: 'true' })).answer(command('ls'))).toEqual({ result: { decision: 'cancel' } });
    expect(await (await hostFor(autoApprove)).answer(command('ls'))).toEqual({ result: { decision: 'accept' } });
    expect(await (await hostFor(autoApprove, { session: 'true' })).answer(command('ls'))).toEqual({ result: { decision: 'acceptForSession' } });
    const legacy = { id: 3, method: 'execCommandApproval', params: { conversationId: 'c', callId: 'x', command: ['ls'], cwd: '/', reason: null } };
    expect(await (await hostFor(autoApprove)).answer(legacy)).toEqual({ result: { decision: 'approved' } });
    expect(await (await hostFor(decline)).answer(legacy)).toEqual({ result: { decision: { denied: { rejection: expect.any(String) } } } });
  });

  test('ask: the person picks; the question shows the command, and the diff of the file change; no terminal: passes', async () => {
    const questions: string[] = [];
    const person = (answer: string): Prompter => ({
      ask: async (question, choices) => {
        questions.push(question);
        expect(choices.map((c) => c.key)).toEqual(['a', 's', 'd', 'c']);
        return answer;
      },
    });
    expect(await (await hostFor(ask, {}, person('s'))).answer(command('make build'))).toEqual({ result: { decision: 'acceptForSession' } });
    expect(questions[0]).toContain('make build');

    const host = await hostFor(ask, {}, person('d'));
    host.observe({ direction: 'in', kind: 'notification', line: '', at: 0, message: { method: 'item/started', params: { item: { id: 'f1', type: 'fileChange', changes: [{ path: 'a.txt', kind: { type: 'update' }, diff: '-old\n+new' }] } } } });
    expect(await host.answer(fileChange)).toEqual({ result: { decision: 'decline' } });
    expect(questions[1]).toContain('a.txt (update)\n-old\n+new');

    // Nobody at a terminal: ask passes, and the safe default answers.
    expect(await (await hostFor(ask)).answer(command('ls'))).toEqual({ result: { decision: 'decline' } });
  });

  test('policy: first matching rule decides, regexes and globs, unmatched passes, a deny among file paths wins', async () => {
    const file = join(tempDir('policy'), 'rules.json');
    writeFileSync(
      file,
      JSON.stringify({
        commands: [{ match: '/^git push/', decision: 'deny' }, { match: '*npm test*', decision: 'allow' }],
        files: [{ path: '**/.env', decision: 'deny' }, { path: '/tmp/w/src/**', decision: 'allow' }],
      }),
    );
    const host = await hostFor(createPolicy, { file });
    expect(await host.answer(command('git push --force'))).toEqual({ result: { decision: 'decline' } });
    expect(await host.answer(command("bash -lc 'npm test'"))).toEqual({ result: { decision: 'accept' } });
    expect(await host.answer(command('make'))).toEqual({ result: { decision: 'decline' } }); // passed → default
    const change = (paths: string[]) =>
      host.observe({ direction: 'in', kind: 'notification', line: '', at: 0, message: { method: 'item/started', params: { item: { id: 'f1', type: 'fileChange', changes: paths.map((path) => ({ path })) } } } });
    change(['/tmp/w/src/a.ts', '/tmp/w/src/deep/b.ts']);
    expect(await host.answer(fileChange)).toEqual({ result: { decision: 'accept' } });
    change(['/tmp/w/src/a.ts', '/tmp/w/.env']);
    expect(await host.answer(fileChange)).toEqual({ result: { decision: 'decline' } });
  });

  test('policy: a bad rules file is an error naming the file and the problem', async () => {
    const file = join(tempDir('policy'), 'bad.json');
    writeFileSync(file, JSON.stringify({ commands: [{ match: 'ls', decision: 'maybe' }] }));
    await expect(hostFor(createPolicy, { file })).rejects.toThrow(/plugin "policy": .*bad\.json: commands\.0\.decision: /);
  });

  test('glob: * stops at /, ** does not; /regex/flags is a regex', () => {
    expect(compilePattern('src/*.ts', { pathLike: true }).test('src/a.ts')).toBe(true);
    expect(compilePattern('src/*.ts', { pathLike: true }).test('src/x/a.ts')).toBe(false);
    expect(compilePattern('src/**/*.ts', { pathLike: true }).test('src/x/y/a.ts')).toBe(true);
    expect(compilePattern('src/**/*.ts', { pathLike: true }).test('src/a.ts')).toBe(true);
    expect(compilePattern('rm *', { pathLike: false }).test('rm -rf /a/b')).toBe(true);
    expect(compilePattern('/^LS$/i', { pathLike: false }).test('ls')).toBe(true);
    expect(compilePattern('a.b', { pathLike: true }).test('axb')).toBe(false);
  });
});

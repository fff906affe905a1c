// Everything codex-dbg sends is valid: sessions through every command (interactive, exec, call, replay, demo),
// every REPL command, every built-in plugin and the flags, each recorded, against the real codex; then every
// client → server message in each recording is checked against the schema the codex under test generates
// (the stable one for --no-experimental-api). Zero violations. `:call` of every client method with no JSON
// runs as one REPL session: there the only violations allowed are fields the person did not type
// ("params.threadId: is required"), never the envelope (params missing or present against the method's type).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { classify } from '../../src/core/messages.ts';
import { protocolTables } from '../../src/codex/protocol-schema.ts';
import { ProtocolValidator, violationText, type Violation } from '../../src/codex/validator.ts';
import { codexSchema, forgetSchemas } from '../helpers/schema.ts';
import { makeWorld, removeTempDirs, runCli, tempDir, testCacheHome, type World } from '../helpers/world.ts';

afterAll(() => {
  forgetSchemas();
  removeTempDirs();
});

const worlds: World[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.dispose();
});

async function world(steps: Parameters<typeof makeWorld>[0]): Promise<World> {
  const made = await makeWorld(steps);
  worlds.push(made);
  return made;
}

interface Checked {
  /** Violations in client → server messages, found by this test's own validator. */
  out: Violation[];
  /** Client → server messages in the recording. */
  sent: number;
  /** What --validate itself flagged while recording (the recording's "violation" events). */
  flagged: { direction: string; path: string; rule: string }[];
}

/** Checks every message of a recording, in order, against the schema; keeps the client → server problems. */
async function checkRecording(file: string, experimental = true): Promise<Checked> {
  const validator = new ProtocolValidator((await codexSchema(experimental)).bundle, 'the schema');
  const checked: Checked = { out: [], sent: 0, flagged: [] };
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    const line = JSON.parse(text);
    if (line.type === 'event' && line.event === 'violation') checked.flagged.push(line);
    if (line.type !== 'message') continue;
    const decoded = classify(line.message);
    if (!decoded.ok) throw new Error(`${file}: unreadable message ${text}`);
    const violations = validator.check({ direction: line.dir, kind: decoded.value.kind, message: line.message });
    if (line.dir === 'out') {
      checked.sent++;
      checked.out.push(...violations);
    }
  }
  return checked;
}

function expectClean(checked: Checked, what: string): void {
  expect(checked.sent, `${what}: client messages recorded`).toBeGreaterThan(0);
  expect(checked.out.map(violationText), what).toEqual([]);
  expect(checked.flagged.filter((v) => v.direction === 'out'), `${what}: flagged by --validate`).toEqual([]);
}

/** The results the client sent back to each server request of this method, from a recording. */
function answersTo(file: string, method: string): unknown[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((text) => JSON.parse(text));
  const asked = new Set(lines.filter((l) => l.type === 'message' && l.dir === 'in' && l.message.method === method).map((l) => l.message.id));
  return lines.filter((l) => l.type === 'message' && l.dir === 'out' && l.message.method === undefined && asked.has(l.message.id)).map((l) => l.message.result);
}

const threadIdIn = (stderr: string) => stderr.match(/codex-dbg: thread (\S+) \((?:new|resumed)\)/)?.[1] as string;

describe('every client → server message is valid', () => {
  test('the interactive session: every REPL command, then a resumed thread under the stable API', async () => {
    const w = await world({ steps: [{ text: 'one' }, { text: 'two' }, { text: 'three' }, { text: 'four' }] });
    const first = join(w.workdir, 'repl.jsonl');
    const repl = await w.run(
      [
        ...w.args,
        '--record', first, '--validate', '--format', 'pretty', '--cwd', w.workdir, '--model', 'gpt-5.5', '--opt-out', 'item/reasoning/textDelta',
        '--request-timeout', '20000', '--handler-timeout', '5000', '--max-line-bytes', '10000000', '--stall-warn', '30', '--no-color', '--debug',
      ],
      {
        input: [
          'first turn', ':threads', ':threads more', ':refresh-thread', ':new', 'second turn',
          ':use 00000000-0000-4000-8000-000000000000', ':interrupt', ':status', ':help', ':h',
          ':call thread/list {"limit": 1}', ':call model/list', ':call configRequirements/read', ':call account/rateLimits/read',
          ':quit',
        ].join('\n'),
      },
    );
    expect(repl.exitCode).toBe(0);
    expectClean(await checkRecording(first), 'REPL');
    const threadId = threadIdIn(repl.stderr);

    const second = join(w.workdir, 'resumed.jsonl');
    const resumed = await w.run(
      [...w.args, '--record', second, '--validate', '--thread-id', threadId, '--approval-policy', 'never', '--sandbox', 'read-only', '--format', 'jsonl', '--no-experimental-api'],
      { input: `third turn\n:resume ${threadId}\n:exit\n` },
    );
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain(`thread ${threadId} (resumed)`);
    expectClean(await checkRecording(second, false), 'resumed, stable API');

    const third = join(w.workdir, 'exec-resume.jsonl');
    const exec = await w.run([...w.args, '--record', third, '--validate', '--thread-id', threadId, 'exec', 'fourth turn', '--final-only']);
    expect(exec.exitCode).toBe(0);
    expectClean(await checkRecording(third), 'exec --thread-id');
  }, 180_000);

  test('exec through every built-in plugin: auto-approve, decline, policy (with --plugins-config), ask, attestation-stub', async () => {
    const patch = '*** Begin Patch\n*** Add File: notes.md\n+hello\n*** End Patch\n';
    const approvals = [{ command: 'touch a.txt' }, { patch }, { text: 'done' }];
    const runs: [string, string[], Parameters<typeof makeWorld>[0]][] = [
      ['auto-approve', ['--plugin', 'auto-approve:session=true', '--format', 'raw'], { steps: approvals }],
      ['decline', ['--plugin', 'decline', '--format', 'jsonl'], { steps: approvals }],
      ['ask (nobody to ask: the safe default answers)', ['--plugin', 'ask'], { steps: approvals }],
      ['policy', ['--plugin', 'policy', '--plugins-config', 'PLUGINS_CONFIG'], { steps: approvals }],
      ['attestation-stub, ChatGPT mode', ['--plugin', 'attestation-stub:token=e2e', '--record-secrets', 'exec', 'attest', '--auto-approve'], { chatgpt: true, steps: [{ text: 'attested' }] }],
    ];
    for (const [name, flags, script] of runs) {
      const w = await world(script);
      const record = join(w.workdir, 'exec.jsonl');
      const rules = join(w.workdir, 'rules.json');
      writeFileSync(rules, JSON.stringify({ commands: [{ match: 'touch *', decision: 'allow' }], files: [{ path: '**/*.md', decision: 'deny' }] }));
      const config = join(w.workdir, 'plugins.json');
      writeFileSync(config, JSON.stringify({ policy: { file: rules } }));
      const args = flags.map((flag) => (flag === 'PLUGINS_CONFIG' ? config : flag));
      const command = args.includes('exec') ? [] : ['exec', 'make the files'];
      const result = await w.run([...w.args, '--record', record, '--validate', '--approval-policy', 'untrusted', '--sandbox', 'workspace-write', ...args, ...command]);
      expect(result.exitCode, `${name}: ${result.stderr}`).toBe(0);
      const checked = await checkRecording(record);
      expectClean(checked, name);
      // The plugin answered attestation/generate with its token (whether codex still had its ~100 ms window
      // open on a loaded machine is a matter of timing; plugins.test.ts checks the header).
      if (script.chatgpt) expect(answersTo(record, 'attestation/generate')).toContainEqual({ token: 'e2e' });
    }
  }, 300_000);

  test('call of a method of each kind with no JSON, and :call of every client method with no JSON (one session)', async () => {
    const w = await world({ steps: [] });
    const experimental = (await codexSchema(true)).bundle;
    const tables = protocolTables(experimental);
    // params required ({} is sent), typed "X or null" and typed null (left out).
    const sample = ['model/list', 'thread/list', 'account/gatewayOAuth/read', 'configRequirements/read', 'account/logout'];
    for (const method of sample.filter((m) => tables.clientRequest.has(m))) {
      const record = join(w.workdir, `call-${method.replace(/\//g, '_')}.jsonl`);
      const result = await w.run([...w.args, '--record', record, '--validate=strict', 'call', method]);
      expect(result.exitCode, `${method}: ${result.stderr}`).toBe(0);
      expectClean(await checkRecording(record), `call ${method}`);
    }

    // Every method the codex under test knows, through --scripted-model (the other way to reach the scripted world).
    const script = join(w.workdir, 'script.json');
    writeFileSync(script, '{"steps": []}');
    const methods = [...tables.clientRequest.keys()].filter((method) => method !== 'initialize');
    const record = join(w.workdir, 'every-call.jsonl');
    const result = await runCli(['--codex-bin', w.args[1], '--scripted-model', script, '--record', record, '--validate', '--request-timeout', '10000', '--format', 'final'], {
      cwd: w.workdir,
      env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: testCacheHome() },
      input: methods.map((method) => `:call ${method}`).join('\n'),
      timeoutMs: 240_000,
    });
    expect(result.exitCode).toBe(0);
    const checked = await checkRecording(record);
    const sent = readFileSync(record, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((line) => line.type === 'message' && line.dir === 'out' && line.message.method);
    // Every method went out with params exactly when its type has them (id 2 is the session's own thread/start).
    for (const method of methods) {
      const request = sent.find((line) => line.message.method === method && line.message.id !== 2);
      expect(request, method).toBeDefined();
      const rule = tables.clientRequest.get(method)?.params;
      if (rule === 'required') expect(request.message.params, method).toEqual({});
      else expect(request.message, method).not.toHaveProperty('params');
    }
    const envelope = checked.out.filter((v) => v.path === 'params' || v.path === 'method' || !(v.path.startsWith('params.') && v.rule === 'is required'));
    expect(envelope.map(violationText)).toEqual([]);
  }, 300_000);

  test('demo and replay', async () => {
    const dir = tempDir('coverage');
    const demoRecord = join(dir, 'demo.jsonl');
    // --record-secrets: a redacted recording turns token counts into "[redacted]" strings, which replay --validate flags.
    const demo = await runCli(['demo', '--record', demoRecord, '--record-secrets', '--validate'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: testCacheHome() } });
    expect(demo.exitCode, demo.stderr).toBe(0);
    expectClean(await checkRecording(demoRecord), 'demo');

    const replayed = await runCli(['replay', demoRecord, '--plugin', 'attestation-stub', '--plugin', 'auto-approve', '--validate=strict'], {
      cwd: dir,
      env: { ...process.env, XDG_CACHE_HOME: testCacheHome() },
    });
    expect(replayed.stderr).toMatch(/codex-dbg: --validate: \d+ messages checked against codex \S+, 0 violations/);
    expect(replayed.exitCode).toBe(0);
  }, 180_000);
});

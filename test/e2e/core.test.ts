// The core against the real codex app-server, driven by the scripted model.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { CODEX, jsonLines, type Entry, makeWorld, runCli, type World } from '../helpers/world.ts';


const APPROVAL_FLAGS = ['--approval-policy', 'untrusted', '--sandbox', 'workspace-write'];
let world: World | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

function entries(stdout: string): Entry[] {
  return jsonLines(stdout) as unknown as Entry[];
}
function completedItems(all: Entry[], type: string): any[] {
  return all
    .filter((e) => e.dir === 'in' && e.message.method === 'item/completed' && e.message.params?.item?.type === type)
    .map((e) => e.message.params.item);
}

describe('core against the real codex app-server', () => {
  test('handshake: initialize with our clientInfo, then initialized, and a thread/list result', async () => {
    world = await makeWorld({ steps: [] });
    const record = join(world.workdir, 'session.jsonl');
    const result = await world.run([...world.args, '--format', 'jsonl', '--record', record, 'call', 'thread/list', '{}']);
    expect(result.exitCode).toBe(0);
    const sent = jsonLines(readFileSync(record, 'utf8')).filter((l) => l.type === 'message' && l.dir === 'out');
    expect(sent.map((l) => (l.message as { method?: string }).method)).toEqual(['initialize', 'initialized', 'thread/list']);
    // --format output went to stderr, so stdout is the result alone.
    expect(result.stderr).toContain('"dir":"in"');
    const listed = JSON.parse(result.stdout);
    expect(Array.isArray(listed.data)).toBe(true);
    expect(listed).toHaveProperty('nextCursor');
  });

  test('a text turn: streamed deltas join to the completed message; raw output is the server lines unchanged', async () => {
    world = await makeWorld({ steps: [{ text: 'The quick brown fox jumps over the lazy dog.', chunks: 5 }] });
    const result = await world.run([...world.args, '--format', 'jsonl'], { input: 'say something\n' });
    expect(result.exitCode).toBe(0);
    const all = entries(result.stdout);
    const deltas = all.filter((e) => e.message.method === 'item/agentMessage/delta').map((e) => e.message.params.delta);
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    const [message] = completedItems(all, 'agentMessage');
    expect(deltas.join('')).toBe(message.text);
    expect(message.text).toBe('The quick brown fox jumps over the lazy dog.');
    const init = all.find((e) => e.dir === 'out' && e.message.method === 'initialize');
    expect(init?.message.params.clientInfo).toEqual({ name: 'codex_dbg', title: 'codex-dbg', version: expect.any(String) });
    expect(init?.message.params.capabilities.experimentalApi).toBe(true);
    // The turn completed before end of input let the client exit.
    expect(all.some((e) => e.message.method === 'turn/completed' && e.message.params.turn.status === 'completed')).toBe(true);
  });

  test('raw format writes each server line exactly as received, with emittedAtMs kept', async () => {
    world = await makeWorld({ steps: [{ text: 'hi there' }] });
    const result = await world.run([...world.args], { input: 'hello\n' });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed.every((m) => !('dir' in m))).toBe(true);
    const note = parsed.find((m) => m.method === 'turn/started');
    expect(typeof note.emittedAtMs).toBe('number');
    // The line is byte-for-byte what the server sent: re-serialising it gives the same text.
    expect(lines.find((l) => l.includes('"turn/started"'))).toBe(JSON.stringify(note));
  });

  test('a command approval is declined by default: status declined, its file absent', async () => {
    world = await makeWorld({ steps: [{ command: 'touch marker.txt' }, { text: 'ok' }] });
    const result = await world.run([...world.args, ...APPROVAL_FLAGS, '--format', 'jsonl'], { input: 'make the marker\n' });
    expect(result.exitCode).toBe(0);
    const all = entries(result.stdout);
    const request = all.find((e) => e.dir === 'in' && e.message.method === 'item/commandExecution/requestApproval');
    expect(request).toBeDefined();
    const reply = all.find((e) => e.dir === 'out' && e.message.id === request?.message.id && 'result' in e.message);
    expect(reply?.message.result).toEqual({ decision: 'decline' });
    expect(completedItems(all, 'commandExecution')[0].status).toBe('declined');
    expect(existsSync(join(world.workdir, 'marker.txt'))).toBe(false);
  });

  test('--auto-approve accepts the command: status completed, its file present', async () => {
    world = await makeWorld({ steps: [{ command: 'touch marker.txt' }, { text: 'ok' }] });
    const result = await world.run([...world.args, ...APPROVAL_FLAGS, '--auto-approve', '--format', 'jsonl'], { input: 'make the marker\n' });
    expect(result.exitCode).toBe(0);
    const [item] = completedItems(entries(result.stdout), 'commandExecution');
    expect(item.status).toBe('completed');
    expect(item.exitCode).toBe(0);
    expect(existsSync(join(world.workdir, 'marker.txt'))).toBe(true);
  });

  test('a file-change approval: declined leaves no file, accepted writes it', async () => {
    const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello from a patch\n*** End Patch\n';
    world = await makeWorld({ steps: [{ patch }, { text: 'done' }] });
    const declined = await world.run([...world.args, ...APPROVAL_FLAGS, '--format', 'jsonl'], { input: 'write hello\n' });
    expect(declined.exitCode).toBe(0);
    const declinedAll = entries(declined.stdout);
    expect(declinedAll.some((e) => e.message.method === 'item/fileChange/requestApproval')).toBe(true);
    expect(completedItems(declinedAll, 'fileChange')[0].status).toBe('declined');
    expect(existsSync(join(world.workdir, 'hello.txt'))).toBe(false);
    await world.dispose();

    world = await makeWorld({ steps: [{ patch }, { text: 'done' }] });
    const accepted = await world.run([...world.args, ...APPROVAL_FLAGS, '--auto-approve', '--format', 'jsonl'], { input: 'write hello\n' });
    expect(accepted.exitCode).toBe(0);
    expect(completedItems(entries(accepted.stdout), 'fileChange')[0].status).toBe('completed');
    expect(readFileSync(join(world.workdir, 'hello.txt'), 'utf8')).toBe('hello from a patch\n');
  });

  test('thread/list and thread/resume across two processes', async () => {
    world = await makeWorld({ steps: [{ text: 'first answer' }, { text: 'second answer' }] });
    const first = await world.run([...world.args, '--format', 'final'], { input: 'remember me\n' });
    expect(first.exitCode).toBe(0);
    const threadId = /thread (\S+) \(new\)/.exec(first.stderr)?.[1];
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await world.run([...world.args, 'call', 'thread/list', '{}']);
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((t: { id: string }) => t.id)).toContain(threadId);

    const resumed = await world.run([...world.args, '--thread-id', String(threadId), '--format', 'final'], { input: ':threads\nagain\n' });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain(`thread ${threadId} (resumed)`);
    expect(resumed.stderr).toContain(`* ${threadId}`);
    expect(resumed.stdout).toContain('second answer');
  });

  test('an error reply is surfaced: call exits 1 with the error, the REPL prints it and goes on', async () => {
    world = await makeWorld({ steps: [] });
    const call = await world.run([...world.args, 'call', 'thread/read', '{"threadId":"not-a-thread"}']);
    expect(call.exitCode).toBe(1);
    const error = JSON.parse(call.stderr.trim().split('\n').pop() as string).error;
    expect(error.code).toBe(-32600);
    expect(error.message).toMatch(/invalid thread id/);

    const repl = await world.run([...world.args, '--format', 'final'], { input: ':call thread/read {"threadId":"not-a-thread"}\n:call thread/list {}\n' });
    expect(repl.exitCode).toBe(0);
    expect(repl.stderr).toMatch(/error \[E_RPC\]: thread\/read failed: invalid thread id/);
    expect(repl.stderr).toContain('"nextCursor"');
  });

  test('bad input: --codex-bin /nonexistent and --approval-policy bogus give one clear line', async () => {
    const missing = await runCli(['--codex-bin', '/nonexistent']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/codex not found: \/nonexistent \(from --codex-bin\).*npm install -g @openai\/codex/);

    const bogus = await runCli(['--codex-bin', CODEX, '--approval-policy', 'bogus']);
    expect(bogus.exitCode).toBe(2);
    expect(bogus.stderr.trim()).toBe('codex-dbg: error [E_USAGE]: --approval-policy bogus: not a valid value; use one of: untrusted, on-request, never');

    const camel = await runCli(['--codex-bin', '/nonexistent', '--approval-policy', 'onRequest']);
    expect(camel.exitCode).toBe(1); // accepted the alias, failed later on the binary
  });
});

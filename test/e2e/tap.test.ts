// The tap against the real codex: a hand-written client and codex-dbg itself, each through the tap, with
// the bytes on each side of the tap compared by sha256, the recording checked message by message, exit
// codes and signals compared with an untapped run, and --intercept answering an approval the client never sees.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { runHandClient, type HandOptions } from '../helpers/hand-client.ts';
import { CLI, CODEX, jsonLines, makeWorld, removeTempDirs, ROOT, runCli, tempDir, waitFor, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);
let world: World | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const APPROVAL = 'item/commandExecution/requestApproval';

function overrides(w: World): string[] {
  return w.args.slice(2).filter((arg) => arg !== '-c').flatMap((kv) => ['--config', kv]);
}

function handOptions(w: World, command: string, args: string[], decision = 'accept'): HandOptions {
  return { command, args, env: w.env, cwd: w.workdir, decision, prompt: 'make the marker' };
}

/** Records what crosses between the tap and codex: a pipeline that copies each direction to a file. */
function teeServer(dir: string): { args: string[]; toServer: string; fromServer: string } {
  const toServer = join(dir, 'to-server.bin');
  const fromServer = join(dir, 'from-server.bin');
  const script = join(dir, 'tee-codex.sh');
  writeFileSync(script, `#!/bin/sh\ntee "${toServer}" | "${CODEX}" "$@" | tee "${fromServer}"\n`);
  chmodSync(script, 0o755);
  return { args: [script], toServer, fromServer };
}

const SCRIPT = { steps: [{ command: 'touch marker.txt' }, { text: 'made it' }] };

describe('tap, fail-open', () => {
  test('a recording that cannot be written (a full disk) stops the recording, not the bytes; the tap says so in --log only', async () => {
    const dir = tempDir('tap');
    const log = join(dir, 'tap.log');
    const input = `{"id":1,"method":"initialize","params":{}}\nnot json\r\n\n${'y'.repeat(100_000)}\n`;
    const result = await runCli(['tap', '--record', '/dev/full', '--log', log, '--', 'cat'], { input, cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(input);
    expect(result.stderr).toBe('');
    expect(readFileSync(log, 'utf8')).toMatch(/^codex-dbg tap: (not recording|stopped recording to \/dev\/full): .*ENOSPC/m);
  });
});

describe('tap against the real codex', () => {
  test('a hand-written client through the tap: turn with an approval, every byte identical on both sides, all of it recorded', async () => {
    world = await makeWorld(SCRIPT);
    const untapped = await runHandClient(handOptions(world, CODEX, [...overrides(world), 'app-server']));
    expect(untapped.turnStatus).toBe('completed');
    await world.dispose();

    world = await makeWorld(SCRIPT);
    const dir = tempDir('tap');
    const tee = teeServer(dir);
    const recording = join(dir, 'tap.jsonl');
    const tapped = await runHandClient(handOptions(world, 'node', [CLI, 'tap', '--record', recording, '--', ...tee.args, ...overrides(world), 'app-server']));
    expect(tapped.turnStatus).toBe('completed');
    expect(tapped.messages.some((m) => m.method === APPROVAL)).toBe(true);
    // What the client sent is what the server got; what the server wrote is what the client got.
    expect(sha(readFileSync(tee.toServer))).toBe(sha(tapped.sent));
    expect(sha(readFileSync(tee.fromServer))).toBe(sha(tapped.received));
    // Same conversation, same ending as without the tap.
    const requests = (run: typeof tapped) => run.messages.filter((m) => m.method !== undefined && m.id !== undefined).map((m) => m.method);
    expect(requests(tapped)).toEqual(requests(untapped));
    expect([tapped.code, tapped.signal]).toEqual([untapped.code, untapped.signal]);
    // The recording holds every message both ways, in order.
    const lines = jsonLines(readFileSync(recording, 'utf8')).filter((line) => line.type === 'message') as { dir: string; message: unknown }[];
    const sentLines = tapped.sent.toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.filter((line) => line.dir === 'out').map((line) => line.message)).toEqual(sentLines);
    expect(lines.filter((line) => line.dir === 'in').length).toBe(tapped.messages.length);
  });

  test('codex-dbg exec through the tap completes a turn with an approval, as it does untapped', async () => {
    world = await makeWorld(SCRIPT);
    const flags = ['--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--auto-approve', '--format', 'jsonl'];
    const untapped = await world.run([...world.args, ...flags, 'exec', 'make the marker']);
    await world.dispose();

    world = await makeWorld(SCRIPT);
    const dir = tempDir('tap');
    const recording = join(dir, 'tap.jsonl');
    const wrapper = join(dir, 'codex');
    writeFileSync(wrapper, `#!/bin/sh\nexec node "${CLI}" tap --record "${recording}" --record-secrets -- "${CODEX}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    const tapped = await world.run(['--codex-bin', wrapper, ...world.args.slice(2), ...flags, 'exec', 'make the marker']);
    expect(tapped.exitCode).toBe(untapped.exitCode);
    expect(tapped.exitCode).toBe(0);
    const seen = jsonLines(tapped.stdout) as { dir: string; message: unknown }[];
    expect(seen.some((line) => (line.message as { method?: string }).method === APPROVAL)).toBe(true);
    const recorded = (jsonLines(readFileSync(recording, 'utf8')) as { type: string; dir: string; message: unknown }[]).filter((line) => line.type === 'message');
    // Each direction in order (between directions the tap and the client may see a different interleaving).
    for (const dir of ['in', 'out']) {
      expect(recorded.filter((line) => line.dir === dir).map((line) => line.message)).toEqual(seen.filter((line) => line.dir === dir).map((line) => line.message));
    }
  });

  test('--intercept --plugin auto-approve answers the approval; the client never sees it; an observer plugin and --log see it all', async () => {
    world = await makeWorld(SCRIPT);
    const dir = tempDir('tap');
    const recording = join(dir, 'tap.jsonl');
    const log = join(dir, 'tap.log');
    const audit = join(dir, 'audit.jsonl');
    const observer = `${join(ROOT, 'plugins-examples/audit-log.mjs')}:file=${audit}`;
    const tap = [CLI, 'tap', '--intercept', '--plugin', observer, '--plugin', 'auto-approve', '--record', recording, '--log', log, '--'];
    const run = await runHandClient(handOptions(world, 'node', [...tap, CODEX, ...overrides(world), 'app-server'], 'decline'));
    expect(run.turnStatus).toBe('completed');
    expect(run.messages.some((m) => m.method === APPROVAL)).toBe(false);
    expect(run.messages.some((m) => m.method === 'serverRequest/resolved')).toBe(false);
    // The command ran: the tap accepted it, although this client would have declined.
    const done = run.messages.find((m) => m.method === 'item/completed' && (m.params?.item as { type?: string }).type === 'commandExecution');
    expect((done?.params?.item as { status?: string }).status).toBe('completed');
    const events = jsonLines(readFileSync(recording, 'utf8'));
    expect(events).toContainEqual(expect.objectContaining({ type: 'event', event: 'answered', method: APPROVAL, by: 'auto-approve' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'message', dir: 'out', message: expect.objectContaining({ result: { decision: 'accept' } }) }));
    // The side channel: the pretty log and the observer plugin saw the request and the tap's answer.
    const logged = readFileSync(log, 'utf8');
    expect(logged).toContain(`? server asks ${APPROVAL}`);
    expect(logged).toContain(`↳ answered ${APPROVAL}: decision "accept"`);
    expect(jsonLines(readFileSync(audit, 'utf8'))).toEqual([expect.objectContaining({ method: APPROVAL, answer: { decision: 'accept' } })]);
  });

  test('SIGTERM ends the tapped server as it ends an untapped one, and the tap exits the same way', async () => {
    world = await makeWorld({ steps: [] });
    const ended = async (command: string, args: string[]) => {
      const child = spawn(command, args, { env: world?.env, stdio: ['pipe', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      const closed = new Promise<[number | null, string | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
      child.stdin.write(`${JSON.stringify({ id: 1, method: 'initialize', params: { clientInfo: { name: 'sig', title: null, version: '1' }, capabilities: null } })}\n`);
      await waitFor('the initialize reply', () => (out.includes('"id":1') ? true : undefined));
      child.kill('SIGTERM');
      return closed;
    };
    const untapped = await ended(CODEX, [...overrides(world), 'app-server']);
    const tapped = await ended('node', [CLI, 'tap', '--', CODEX, ...overrides(world), 'app-server']);
    expect(tapped).toEqual(untapped);
  });
});

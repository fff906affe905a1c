// `watch` shows two concurrent taps, one started before it and one after, each line labelled with the
// tap's pid, the front end's name and cwd; the rendezvous is a 0700 directory of 0600 sockets. The taps
// relay `cat` here: what watch shows does not depend on which server a tap relays.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { afterAll, afterEach, expect, test } from 'vitest';
import { socketPath } from '../../src/transports/rendezvous.ts';
import { CLI, removeTempDirs, tempDir, waitFor } from '../helpers/world.ts';

afterAll(removeTempDirs);
const started: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcessWithoutNullStreams; out: () => string; closed: Promise<number | null> } {
  const child = spawn('node', [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => out, closed };
}

const line = (message: object) => `${JSON.stringify(message)}\n`;
const initialize = (name: string) => line({ id: 1, method: 'initialize', params: { clientInfo: { name, title: null, version: '1' }, capabilities: null } });

test('watch shows two concurrent taps, one started before it and one after, labelled by pid, client and cwd', async () => {
  const dir = tempDir('rendezvous');
  const env = { ...process.env, CODEX_DBG_TAP_DIR: dir, NO_COLOR: '1' };
  const a = start(['tap', '--', 'cat'], env);
  a.child.stdin.write(initialize('front_a'));
  const aSocket = socketPath(dir, a.child.pid as number);
  await waitFor('tap A to announce itself', () => (existsSync(aSocket) ? true : undefined));
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  expect(statSync(aSocket).mode & 0o777).toBe(0o600);

  const watch = start(['watch'], env);
  await waitFor('watch to find tap A', () => (watch.out().includes(`[tap ${a.child.pid} front_a ${process.cwd()}]`) ? true : undefined));
  const b = start(['tap', '--', 'cat'], env);
  b.child.stdin.write(initialize('front_b'));
  await waitFor('watch to find tap B', () => (watch.out().includes(`[tap ${b.child.pid}`) ? true : undefined));

  // cat sends each line back, so each tap's "server" announces a turn.
  a.child.stdin.write(line({ method: 'turn/started', params: { turn: { id: 'turn-of-a' } } }));
  b.child.stdin.write(line({ method: 'turn/started', params: { turn: { id: 'turn-of-b' } } }));
  const shown = await waitFor('both turns in watch', () => {
    const text = watch.out();
    return text.includes('turn-of-a') && text.includes('turn-of-b') ? text : undefined;
  });
  const lines = shown.split('\n');
  expect(lines).toContain(`[tap ${a.child.pid} front_a ${process.cwd()}] ── turn turn-of-a started`);
  expect(lines).toContain(`[tap ${b.child.pid} front_b ${process.cwd()}] ── turn turn-of-b started`);

  a.child.stdin.end();
  b.child.stdin.end();
  expect(await a.closed).toBe(0);
  expect(await b.closed).toBe(0);
  await waitFor('both exits in watch', () => (watch.out().split('server ended: exit code 0').length === 3 ? true : undefined));
  expect(existsSync(aSocket)).toBe(false);
  watch.child.kill('SIGTERM');
  expect(await watch.closed).toBe(0);
});

// Attaching to a running codex app-server, started the way users start one: over WebSocket with no auth,
// a capability token (right, wrong, missing) and a signed bearer token; over the Unix control socket; two
// codex-dbg clients on one server (one answers, one observes and records); the server killed mid-turn;
// --reconnect; --spawn-listen; and doctor. The same ws and unix sessions run under every runtime.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { RUNTIMES, haveBinary } from '../helpers/runtimes.ts';
import { Client, sharedServer, type SharedServer } from '../helpers/listening.ts';
import { isRunning, jsonLines, makeWorld, removeTempDirs, runCli, tempDir, type Entry, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);

let shared: SharedServer | undefined;
const clients: Client[] = [];
const worlds: World[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.kill();
  await shared?.dispose();
  shared = undefined;
  for (const world of worlds.splice(0)) await world.dispose();
});

/** A turn that runs one command, which needs an approval under `untrusted`, then answers. */
const APPROVAL_SCRIPT = { steps: [{ command: 'touch approved.txt' }, { text: 'file made' }] };
const APPROVAL_FLAGS = ['--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--auto-approve'];
const TOKEN = 'capability-token-4f1c9e2b7a';
const SECRET = 'a-shared-secret-that-is-at-least-32-bytes-long';

function file(name: string, content: string): string {
  const path = join(tempDir('attach'), name);
  writeFileSync(path, content);
  return path;
}

/** Runs `exec` with an approval against the shared server and checks it was answered and the command ran. */
async function approvalTurn(server: SharedServer, flags: string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runCli(['exec', 'make the file', '--connect', server.url, ...APPROVAL_FLAGS, ...flags], { env: { ...process.env, NO_COLOR: '1', ...env } });
  return { result, ran: existsSync(join(server.world.workdir, 'approved.txt')) };
}

describe('WebSocket', () => {
  test('no auth: a turn with a command approval answered by auto-approve', async () => {
    shared = await sharedServer(APPROVAL_SCRIPT, 'ws://127.0.0.1:0');
    const { result, ran } = await approvalTurn(shared, []);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('file made');
    expect(result.exitCode).toBe(0);
    expect(ran).toBe(true);
  });

  test('capability token: the right one from --token-file works and is never shown or recorded, even with --record-secrets', async () => {
    shared = await sharedServer(APPROVAL_SCRIPT, 'ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', file('server-token', `${TOKEN}\n`)]);
    const record = join(tempDir('attach'), 'rec.jsonl');
    const { result, ran } = await approvalTurn(shared, ['--token-file', file('token', `${TOKEN}\n`), '--record', record, '--record-secrets', '--format', 'jsonl']);
    expect(result.exitCode).toBe(0);
    expect(ran).toBe(true);
    const recording = readFileSync(record, 'utf8');
    expect(recording).toMatch(/"event":"connect","url":"ws:\/\/127\.0\.0\.1:\d+","auth":"a capability token from --token-file"/);
    expect(recording).toContain('item/commandExecution/requestApproval');
    for (const text of [result.stdout, result.stderr, recording]) expect(text).not.toContain(TOKEN);
  });

  test('capability token from $CODEX_DBG_TOKEN', async () => {
    shared = await sharedServer(APPROVAL_SCRIPT, 'ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', file('server-token', TOKEN)]);
    const { result, ran } = await approvalTurn(shared, [], { CODEX_DBG_TOKEN: TOKEN });
    expect(result.exitCode).toBe(0);
    expect(ran).toBe(true);
  });

  test('capability token wrong or missing: one line quoting the server and naming the flag, exit 3', async () => {
    shared = await sharedServer(APPROVAL_SCRIPT, 'ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', file('server-token', TOKEN)]);
    const wrong = await approvalTurn(shared, ['--token-file', file('token', 'not-the-token')]);
    expect(wrong.result.exitCode).toBe(3);
    expect(wrong.result.stderr).toBe(
      `codex-dbg: error [E_AUTH]: ${shared.url} refused the connection (401 "invalid websocket bearer token"): a capability token from --token-file was refused; check --token-file\n`,
    );
    expect(wrong.result.stderr).not.toContain('not-the-token');
    const missing = await approvalTurn(shared, []);
    expect(missing.result.exitCode).toBe(3);
    expect(missing.result.stderr).toMatch(/^codex-dbg: error \[E_AUTH\]: .* \(401 "missing websocket bearer token"\): .*--token-file <file> or \$CODEX_DBG_TOKEN.*--jwt-secret-file <file>\n$/);
    expect(wrong.ran || missing.ran).toBe(false);
  });

  test('a token is never taken on the command line', async () => {
    const result = await runCli(['--connect', 'ws://127.0.0.1:9', '--token', TOKEN]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--token: a token is never taken on the command line .* use --token-file <file> or \$CODEX_DBG_TOKEN/);
    expect(result.stderr).not.toContain(TOKEN);
  });

  test('signed bearer token: minted from --jwt-secret-file with issuer and audience; a wrong audience is refused with its reason', async () => {
    const secret = file('secret', `${SECRET}\n`);
    shared = await sharedServer(APPROVAL_SCRIPT, 'ws://127.0.0.1:0', ['--ws-auth', 'signed-bearer-token', '--ws-shared-secret-file', secret, '--ws-issuer', 'dbg-tests', '--ws-audience', 'codex']);
    const refused = await approvalTurn(shared, ['--jwt-secret-file', secret, '--jwt-issuer', 'dbg-tests', '--jwt-audience', 'someone-else']);
    expect(refused.result.exitCode).toBe(3);
    expect(refused.result.stderr).toMatch(/\(401 "websocket jwt audience mismatch"\): a signed bearer token \(HS256\) minted from --jwt-secret-file was refused/);
    const accepted = await approvalTurn(shared, ['--jwt-secret-file', secret, '--jwt-issuer', 'dbg-tests', '--jwt-audience', 'codex']);
    expect(accepted.result.stderr).toBe('');
    expect(accepted.result.exitCode).toBe(0);
    expect(accepted.ran).toBe(true);
  });

  test('nothing listening: says so, with the command that starts a server; exit 3', async () => {
    shared = await sharedServer({ steps: [] }, 'ws://127.0.0.1:0');
    const url = shared.url;
    await shared.server.stop(1000);
    const result = await runCli(['exec', 'hi', '--connect', url]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`nothing listens on ${url.slice('ws://'.length)} (connection refused); start a server with \`codex app-server --listen ${url}\``);
  });
});

describe('Unix control socket', () => {
  test('a turn with an approval through a socket path too long for connect() (read through its symlink)', async () => {
    const dir = join(tempDir('attach'), 'a-directory-name-long-enough-that-the-socket-path-passes-the-sockaddr-limit', 'x'.repeat(40));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'control.sock');
    expect(path.length).toBeGreaterThan(108);
    shared = await sharedServer(APPROVAL_SCRIPT, `unix://${path}`);
    const { result, ran } = await approvalTurn(shared, []);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(ran).toBe(true);
  });

  test('unix:// is the control socket of $CODEX_HOME; a killed server leaves a stale socket, which is named as such', async () => {
    shared = await sharedServer(APPROVAL_SCRIPT, 'unix://');
    const env = { CODEX_HOME: shared.world.home };
    const { result, ran } = await approvalTurn(shared, [], env);
    expect(result.exitCode).toBe(0);
    expect(ran).toBe(true);
    process.kill(shared.server.pid as number, 'SIGKILL');
    await shared.server.exited;
    const stale = await runCli(['exec', 'hi', '--connect', 'unix://'], { env: { ...process.env, ...env } });
    expect(stale.exitCode).toBe(3);
    expect(stale.stderr).toContain(`stale control socket at ${join(shared.world.home, 'app-server-control', 'app-server-control.sock')}`);
    const doctor = await runCli(['doctor', '--connect', 'unix://'], { env: { ...process.env, ...env } });
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/^FAIL {2}control socket: .*app-server-control\.sock → .*: stale .*\(fix: start a server, which replaces it: codex app-server --listen unix:\/\/.*; or remove it: rm .*\)$/m);
  });
});

describe('several clients on one server', () => {
  test('one answers, the other --observes and records the same turn, and is told which answer won', async () => {
    shared = await sharedServer({ steps: [{ text: 'first turn' }, { command: 'touch shared.txt' }, { text: 'made it' }] }, 'ws://127.0.0.1:0');
    const env = { ...process.env, NO_COLOR: '1' };
    const answerer = new Client(['--connect', shared.url, ...APPROVAL_FLAGS, '--format', 'jsonl'], { env });
    clients.push(answerer);
    answerer.write('hello');
    const threadId = (await answerer.waitFor('stdout', /"method":"thread\/started","params":\{"thread":\{"id":"([^"]+)"/))[1];
    await answerer.waitFor('stdout', /"method":"turn\/completed"/);

    const record = join(tempDir('attach'), 'observer.jsonl');
    const observer = new Client(['--connect', shared.url, '--observe', '--record', record, '--format', 'jsonl'], { env });
    clients.push(observer);
    observer.write(':threads loaded');
    await observer.waitFor('stderr', new RegExp(`^  ${threadId}$`, 'm'));
    observer.write(`:attach ${threadId}`);
    await observer.waitFor('stderr', new RegExp(`attached to thread ${threadId} \\(idle\\)`));

    answerer.write('make the shared file');
    await observer.waitFor('stderr', /the answer that won server request (\d+): the other client accepted it \(the commandExecution ended completed\)/);
    await observer.waitFor('stdout', /"method":"turn\/completed".*"status":"completed"/);
    await answerer.waitFor('stdout', /"method":"turn\/completed"[\s\S]*"method":"turn\/completed"/);
    observer.end();
    answerer.end();
    expect(await observer.exited).toBe(0);
    expect(await answerer.exited).toBe(0);
    expect(existsSync(join(shared.world.workdir, 'shared.txt'))).toBe(true);

    const request = (jsonLines(observer.stdout) as unknown as Entry[]).find((e) => e.dir === 'in' && e.kind === 'request');
    expect(request?.message.method).toBe('item/commandExecution/requestApproval');
    const id = request?.message.id;
    expect(observer.stderr).toContain(`server request ${id} item/commandExecution/requestApproval: observing (--observe), another client answers it`);
    expect(observer.stderr).toContain(`server request ${id} (item/commandExecution/requestApproval) was answered by another client`);
    // The answerer's reply went out from the answerer only; the observer's recording has the request, the resolution and no reply.
    const answers = (jsonLines(answerer.stdout) as unknown as Entry[]).filter((e) => e.dir === 'out' && e.message.id === id && !e.message.method);
    expect(answers.map((e) => e.message.result)).toEqual([{ decision: 'accept' }]);
    const recorded = jsonLines(readFileSync(record, 'utf8')) as { type: string; dir?: string; event?: string; message?: Entry['message'] }[];
    const messages = recorded.filter((line) => line.type === 'message');
    expect(messages.some((line) => line.dir === 'in' && line.message?.id === id && line.message?.method === 'item/commandExecution/requestApproval')).toBe(true);
    expect(messages.some((line) => line.dir === 'in' && line.message?.method === 'serverRequest/resolved' && line.message.params.requestId === id)).toBe(true);
    expect(messages.some((line) => line.dir === 'out' && line.message?.id === id && !line.message?.method)).toBe(false);
    expect(recorded.find((line) => line.event === 'resolved-elsewhere')).toMatchObject({ id, method: 'item/commandExecution/requestApproval' });
    expect(messages.filter((line) => line.message?.method === 'turn/completed')).toHaveLength(1);
  });

  test('--observe with a plugin that answers is a usage error', async () => {
    const result = await runCli(['--connect', 'ws://127.0.0.1:9', '--observe', '--auto-approve']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--observe answers no server request, so "auto-approve" would never be asked');
  });

  test('--spawn-listen: one command gives a shared server and prints the URL a second client uses; the server is stopped at the end', async () => {
    const world = await makeWorld({ steps: [] });
    worlds.push(world);
    const first = new Client([...world.args, '--spawn-listen', '--token-file', file('token', TOKEN), '--record', join(tempDir('attach'), 'rec.jsonl')], { env: world.env, cwd: world.workdir });
    clients.push(first);
    const [, pid, url] = await first.waitFor('stderr', /codex app-server \(pid (\d+)\) listens on (ws:\/\/127\.0\.0\.1:\d+); a second client: codex-dbg --connect \2 --token-file \S+/);
    await first.waitFor('stderr', /thread (\S+) \(new\)/);
    const second = await runCli(['call', 'thread/loaded/list', '{}', '--connect', url], { env: { ...process.env, CODEX_DBG_TOKEN: TOKEN } });
    expect(second.stderr).toBe('');
    expect(JSON.parse(second.stdout).data).toHaveLength(1);
    first.end();
    expect(await first.exited).toBe(0);
    expect(isRunning(Number(pid))).toBe(false);
    expect(first.stderr).not.toContain(TOKEN);
  });
});

describe('disconnects', () => {
  test('the server killed mid-turn: exec exits 3 and the REPL 1, each with the close code', async () => {
    shared = await sharedServer({ steps: [{ hang: true }, { hang: true }] }, 'ws://127.0.0.1:0');
    const exec = new Client(['exec', 'never ends', '--connect', shared.url, '--format', 'jsonl']);
    const repl = new Client(['--connect', shared.url, '--format', 'jsonl']);
    clients.push(exec, repl);
    await exec.waitFor('stdout', /"method":"turn\/started"/);
    repl.write('never ends either');
    await repl.waitFor('stdout', /"method":"turn\/started"/);
    process.kill(shared.server.pid as number, 'SIGKILL');
    expect(await exec.exited).toBe(3);
    expect(await repl.exited).toBe(1);
    const closed = `the connection to ${shared.url} closed with code 1006 (no close frame: the server went away or the connection broke)`;
    expect(exec.stderr).toContain(`codex-dbg: error [E_CLOSED]: ${closed} during the turn`);
    expect(repl.stderr).toContain(`codex-dbg: error [E_CLOSED]: ${closed}`);
  });

  test('--reconnect: the server restarts on the same address; codex-dbg connects again, resumes the thread and says so', async () => {
    shared = await sharedServer({ steps: [{ text: 'before' }, { text: 'after' }] }, 'ws://127.0.0.1:0');
    const client = new Client(['--connect', shared.url, '--reconnect', '--format', 'jsonl'], { env: { ...process.env, NO_COLOR: '1' } });
    clients.push(client);
    client.write('first');
    await client.waitFor('stdout', /"method":"turn\/completed"/);
    const threadId = (await client.waitFor('stderr', /thread (\S+) \(new\)/))[1];
    process.kill(shared.server.pid as number, 'SIGKILL');
    await client.waitFor('stderr', /closed with code 1006 .*; reconnecting in 0\.5 s \(attempt 1 of 7\)/);
    await shared.server.exited;
    await shared.restart();
    await client.waitFor('stderr', new RegExp(`reconnected to ${shared.url} \\(attempt \\d\\)\ncodex-dbg: resumed thread ${threadId} \\(idle\\)\n`));
    client.write('second');
    await client.waitFor('stdout', /"text":"after"/);
    client.end();
    expect(await client.exited).toBe(0);
  });

  test('--reconnect in exec: the server restarted mid-turn; the lost turn is reported as interrupted, exit 1', async () => {
    shared = await sharedServer({ steps: [{ hang: true }] }, 'ws://127.0.0.1:0');
    const exec = new Client(['exec', 'hangs', '--connect', shared.url, '--reconnect', '--format', 'jsonl']);
    clients.push(exec);
    const turnId = (await exec.waitFor('stdout', /"method":"turn\/started","params":\{"threadId":"[^"]+","turn":\{"id":"([^"]+)"/))[1];
    process.kill(shared.server.pid as number, 'SIGKILL');
    await shared.server.exited;
    await exec.waitFor('stderr', /reconnecting in/);
    await shared.restart();
    expect(await exec.exited).toBe(1);
    expect(exec.stderr).toMatch(new RegExp(`resumed thread \\S+ \\(idle\\); turn ${turnId} ended while the connection was down \\(interrupted\\)\ncodex-dbg: turn interrupted\n$`));
  });

  test('--reconnect over a connection that drops while an approval is pending: the server sends it again and the turn completes', async () => {
    shared = await sharedServer(APPROVAL_SCRIPT, 'ws://127.0.0.1:0');
    const proxy = await droppingProxy(Number(new URL(shared.url).port), 'requestApproval');
    try {
      const exec = new Client(['exec', 'make the file', '--connect', `ws://127.0.0.1:${proxy.port}`, '--reconnect', ...APPROVAL_FLAGS], { env: { ...process.env, NO_COLOR: '1' } });
      clients.push(exec);
      expect(await exec.exited, exec.stderr).toBe(0);
      expect(exec.stdout).toContain('file made');
      expect(existsSync(join(shared.world.workdir, 'approved.txt'))).toBe(true);
      expect(exec.stderr).toMatch(/closed with code 1006 .*; reconnecting in 0\.5 s \(attempt 1 of 7\)\n.*reconnected to ws:\/\/127\.0\.0\.1:\d+ \(attempt 1\)\ncodex-dbg: resumed thread \S+ \(active \(waitingOnApproval\)\); turn \S+ is still running, its events follow\n/);
      expect(proxy.dropped).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

/** A TCP proxy to the server that drops the first connection on which the server sends `text` (before passing it on). */
async function droppingProxy(serverPort: number, text: string) {
  const sockets = new Set<Socket>();
  const proxy = { port: 0, dropped: 0, close: () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }) };
  const server = createServer((client) => {
    const upstream = connect(serverPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (proxy.dropped === 0 && chunk.includes(text)) {
        proxy.dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  return proxy;
}

describe('doctor', () => {
  test('green on a good server (with its token), one line per check; --json for scripts', async () => {
    shared = await sharedServer({ steps: [] }, 'ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', file('server-token', TOKEN)]);
    const token = file('token', TOKEN);
    const result = await runCli(['doctor', '--connect', shared.url, '--token-file', token]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => line.replace(/:.*/, ''))).toEqual(['ok    reachable', 'ok    /readyz', 'ok    /healthz', 'ok    websocket upgrade', 'ok    auth', 'ok    initialize', 'ok    login']);
    expect(result.stdout).toMatch(/initialize answered in \d+ ms by codex 0\.169\.0/);
    const json = await runCli(['doctor', '--connect', shared.url, '--token-file', token, '--json']);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks).toHaveLength(7);
  });

  test('names the fault: a missing token, and nothing listening', async () => {
    shared = await sharedServer({ steps: [] }, 'ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', file('server-token', TOKEN)]);
    const noToken = await runCli(['doctor', '--connect', shared.url]);
    expect(noToken.exitCode).toBe(1);
    expect(noToken.stdout).toContain('FAIL  auth: no token was sent: refused, 401 "missing websocket bearer token" (fix: give a token with --token-file <file> or $CODEX_DBG_TOKEN');
    const url = shared.url;
    await shared.server.stop(1000);
    const down = await runCli(['doctor', '--connect', url, '--json']);
    expect(down.exitCode).toBe(1);
    expect(JSON.parse(down.stdout).checks).toEqual([
      { check: 'reachable', ok: false, detail: `${url.slice('ws://'.length)}: nothing listens there (connection refused)`, fix: `start a server: codex app-server --listen ${url}` },
    ]);
  });

  test('without --connect: the codex that would be spawned and why, its version, its start and login', async () => {
    shared = await sharedServer({ steps: [] }, 'ws://127.0.0.1:0');
    const result = await runCli(['doctor', ...shared.world.args], { env: shared.world.env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^ok {4}codex binary: \S+\/codex \(from --codex-bin\)$/m);
    expect(result.stdout).toMatch(/^ok {4}codex version: codex-cli 0\.169\.0$/m);
    expect(result.stdout).toMatch(/^ok {4}codex app-server starts: initialize answered in \d+ ms by codex 0\.169\.0; CODEX_HOME /m);
    expect(result.stdout).toMatch(/^ok {4}login: none, and none needed/m);
    expect(result.stdout).toMatch(/^ok {4}control socket: none at /m);
    expect(result.exitCode).toBe(0);
  });
});

// Deno asks for net access to a Unix socket by its real path (codex's hashed one), so it gets --allow-net whole.
// The npm bundle on Node attaches in the tests above.
const ATTACH_RUNTIMES = RUNTIMES.filter((runtime) => ['standalone binary', 'deno', 'bun'].includes(runtime.name)).map(
  ({ name, command }) => [name, command.map((arg) => (arg.startsWith('--allow-net') ? '--allow-net' : arg))] as const,
);

describe.each(ATTACH_RUNTIMES)('%s', (name, command) => {
  const skip = name === 'standalone binary' && !haveBinary;
  test.skipIf(skip)('a ws session with a token and a unix session, each with an approval', async () => {
    for (const [listen, serverArgs, flags] of [
      ['ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', file('server-token', TOKEN)], ['--token-file', file('token', TOKEN)]],
      [`unix://${join(tempDir('attach'), 'control.sock')}`, [], []],
    ] as const) {
      shared = await sharedServer(APPROVAL_SCRIPT, listen, [...serverArgs]);
      const client = new Client(['--connect', shared.url, ...APPROVAL_FLAGS, ...flags, '--format', 'final'], { command, env: { ...process.env, NO_COLOR: '1' } });
      clients.push(client);
      client.write('make the file');
      client.end();
      expect(await client.exited, client.stderr).toBe(0);
      expect(client.stdout).toContain('file made');
      expect(existsSync(join(shared.world.workdir, 'approved.txt'))).toBe(true);
      await shared.dispose();
      shared = undefined;
    }
  });
});

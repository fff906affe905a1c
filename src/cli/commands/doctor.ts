// `codex-dbg doctor [--connect url] [--json]`: checks, one line each, what a session needs, and says how to
// fix what fails. Without --connect: which codex would be spawned and why, its version, whether it starts
// and answers initialize, the login of its CODEX_HOME, and the state of its control socket. With --connect:
// whether the address is reachable, /readyz and /healthz, the WebSocket upgrade, whether the token is
// accepted, the initialize round trip, and the login of the server's CODEX_HOME. Exit 0 iff all are ok.
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { x } from 'tinyexec';
import { Connection } from '../../core/connection.ts';
import { DbgError, ExitCode, toDbgError } from '../../core/errors.ts';
import type { Transport } from '../../core/transport.ts';
import { safeReply } from '../../codex/safe-replies.ts';
import { Session } from '../../codex/session.ts';
import type { BearerSource } from '../../transports/bearer.ts';
import { defaultControlSocket, httpBase, socketTarget, type Endpoint } from '../../transports/endpoint.ts';
import { locateCodex } from '../../transports/locate-codex.ts';
import { httpGet, reach, socketErrorText } from '../../transports/probe.ts';
import { ChildProcessTransport } from '../../transports/stdio.ts';
import { runCommand, type Scope } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { CLIENT_INFO, readBearer } from '../setup.ts';

/** The codex version the tests pin; another one may work, and doctor says which it found. */
const TESTED_CODEX = '0.169.0';
const PROBE_TIMEOUT_MS = 10_000;

export interface Check {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

type Report = (check: Check) => void;

export function doctorCommand(options: CommonOptions, flags: { json: boolean }): Promise<number> {
  return runCommand(options, async (scope) => {
    const checks: Check[] = [];
    const report: Report = (check) => {
      checks.push(check);
      if (!flags.json) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.check}: ${check.detail}${check.fix ? ` (fix: ${check.fix})` : ''}\n`);
    };
    if (options.connect) await checkEndpoint(scope, options, options.connect, report);
    else await checkLocal(scope, options, report);
    const ok = checks.every((check) => check.ok);
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok, checks })}\n`);
    return ok ? ExitCode.ok : ExitCode.failure;
  });
}

async function checkLocal(scope: Scope, options: CommonOptions, report: Report): Promise<void> {
  let codex: ReturnType<typeof locateCodex>;
  try {
    codex = locateCodex({ codexBin: options.codexBin });
    report({ check: 'codex binary', ok: true, detail: `${codex.path} (${codexSource(codex.source)})` });
  } catch (error) {
    report({ check: 'codex binary', ok: false, detail: toDbgError(error).message, fix: 'npm install -g @openai/codex, or pass --codex-bin <path>' });
    return;
  }

  const version = await x(codex.path, ['--version'], { throwOnError: false, timeout: PROBE_TIMEOUT_MS });
  const versionText = version.stdout.trim().split('\n')[0] ?? '';
  report(
    version.exitCode === 0
      ? { check: 'codex version', ok: true, detail: `${versionText}${versionText.endsWith(TESTED_CODEX) ? '' : ` (codex-dbg is tested with ${TESTED_CODEX})`}` }
      : { check: 'codex version', ok: false, detail: `\`${codex.path} --version\` exited with code ${version.exitCode}: ${version.stderr.trim().split('\n')[0] ?? ''}`, fix: 'reinstall codex' },
  );

  const args = [...options.config.flatMap((kv) => ['--config', kv]), 'app-server'];
  const transport = new ChildProcessTransport({ bin: codex.path, args, maxLineBytes: options.maxLineBytes });
  scope.defer('stop the server', () => transport.close(2000));
  const started = await handshake(transport, 'codex app-server starts', report, { ws: false });
  if (started) await checkLogin(started, report);
  await checkControlSocket(defaultControlSocket(), report, { quietWhenAbsent: true });
}

async function checkEndpoint(scope: Scope, options: CommonOptions, endpoint: Endpoint, report: Report): Promise<void> {
  let bearer: BearerSource | undefined;
  try {
    bearer = readBearer(options);
  } catch (error) {
    report({ check: 'token', ok: false, detail: toDbgError(error).message, fix: 'point --token-file or --jwt-secret-file at a readable file' });
    return;
  }
  if (endpoint.kind === 'unix') {
    if (!(await checkControlSocket(endpoint.path, report, { quietWhenAbsent: false }))) return;
  } else {
    const tcp = await reach({ host: endpoint.host, port: endpoint.port });
    if (!tcp.ok) {
      report({
        check: 'reachable',
        ok: false,
        detail: `${endpoint.host}:${endpoint.port}: ${socketErrorText(tcp.code)}`,
        fix: tcp.code === 'ECONNREFUSED' ? `start a server: codex app-server --listen ws://${endpoint.host}:${endpoint.port}` : 'check the address and the network',
      });
      return;
    }
    report({ check: 'reachable', ok: true, detail: `${endpoint.host}:${endpoint.port} accepts connections` });
    for (const path of ['/readyz', '/healthz']) {
      const answer = await httpGet(`${httpBase(endpoint)}${path}`);
      const ok = 'status' in answer && answer.status === 200;
      report({
        check: path,
        ok,
        detail: 'status' in answer ? `HTTP ${answer.status}${answer.body ? ` "${answer.body.trim().slice(0, 120)}"` : ''}` : socketErrorText(answer.error),
        ...(ok ? {} : { fix: 'a codex app-server answers 200 here; is this one?' }),
      });
    }
  }
  const { WebSocketTransport } = await import('../../transports/websocket.ts');
  const transport = new WebSocketTransport({ endpoint, bearer, maxMessageBytes: options.maxLineBytes, pingIntervalMs: 0 });
  scope.defer('close the connection', () => transport.close(1000));
  const started = await handshake(transport, 'initialize', report, { ws: true, bearer });
  if (started) await checkLogin(started, report);
}

/** Opens the transport and times initialize; reports the upgrade and auth on the way for a WebSocket. */
async function handshake(transport: Transport, name: string, report: Report, over: { ws: boolean; bearer?: BearerSource }): Promise<Connection | undefined> {
  const { ws, bearer } = over;
  const connection = new Connection(transport, {
    requestTimeoutMs: PROBE_TIMEOUT_MS,
    onServerRequest: (request) => Promise.resolve(safeReply(request.method, request.params)),
  });
  try {
    await connection.start();
  } catch (error) {
    const failure = toDbgError(error);
    // HandshakeRefused, duck-typed: its module is loaded lazily (the WebSocket library is large).
    const refused = failure as DbgError & { status?: number; body?: string };
    if (ws && refused.status === 401) {
      report({ check: 'websocket upgrade', ok: true, detail: 'the server answered the handshake, asking for a token' });
      report({
        check: 'auth',
        ok: false,
        detail: `${bearer ? bearer.describe : 'no token was sent'}: refused, 401 "${refused.body}"`,
        fix: bearer ? `check ${bearer.flag}` : 'give a token with --token-file <file> or $CODEX_DBG_TOKEN, or a secret with --jwt-secret-file <file>',
      });
    } else {
      report({ check: ws ? 'websocket upgrade' : name, ok: false, detail: failure.message, ...(ws ? {} : { fix: 'see the lines above; --codex-bin picks another codex' }) });
    }
    return undefined;
  }
  if (ws) {
    report({ check: 'websocket upgrade', ok: true, detail: `${transport.peer} switched to WebSocket` });
    report({ check: 'auth', ok: true, detail: bearer ? `${bearer.describe}: accepted` : 'no token sent, none asked for' });
  }
  const session = new Session(connection);
  const startedAt = performance.now();
  try {
    const result = (await session.initialize(CLIENT_INFO, { experimentalApi: true })) as { userAgent?: string; codexHome?: string };
    const ms = Math.round(performance.now() - startedAt);
    report({ check: name, ok: true, detail: `initialize answered in ${ms} ms by ${serverVersion(result.userAgent)}; CODEX_HOME ${result.codexHome ?? '?'}` });
    return connection;
  } catch (error) {
    const failure = error instanceof DbgError ? error : toDbgError(error);
    report({ check: name, ok: false, detail: [failure.message, ...failure.details.map((line) => line.trim())].join(' | '), fix: 'the server\'s stderr above says why' });
    return undefined;
  }
}

/** account/read: what login the server's CODEX_HOME has, never the secret or the e-mail address. */
async function checkLogin(connection: Connection, report: Report): Promise<void> {
  try {
    const { account, requiresOpenaiAuth } = (await connection.request('account/read', {})) as {
      account: { type: string; planType?: string } | null;
      requiresOpenaiAuth: boolean;
    };
    if (account) {
      const plan = account.planType ? `, plan ${account.planType}` : '';
      report({ check: 'login', ok: true, detail: `${account.type === 'apiKey' ? 'an API key' : account.type}${plan}` });
    } else if (!requiresOpenaiAuth) {
      report({ check: 'login', ok: true, detail: 'none, and none needed (the model provider does not use an OpenAI login)' });
    } else {
      report({ check: 'login', ok: false, detail: 'not logged in: turns will fail', fix: 'codex login (with the same CODEX_HOME), or set an API key' });
    }
  } catch (error) {
    report({ check: 'login', ok: false, detail: `account/read failed: ${toDbgError(error).message}` });
  }
}

/** The control socket: none, a live server behind it, or a stale file a killed server left. True when live. */
async function checkControlSocket(path: string, report: Report, options: { quietWhenAbsent: boolean }): Promise<boolean> {
  const start = `codex app-server --listen unix://${path}`;
  if (!existsSync(path) && !isLink(path)) {
    report({ check: 'control socket', ok: options.quietWhenAbsent, detail: `none at ${path}${options.quietWhenAbsent ? ' (no server on it; fine)' : ''}`, ...(options.quietWhenAbsent ? {} : { fix: `start one: ${start}` }) });
    return false;
  }
  const target = socketTarget(path);
  const via = isLink(path) ? ` → ${readlinkSync(path)}` : '';
  const live = await reach({ path: target });
  if (live.ok) {
    report({ check: 'control socket', ok: true, detail: `${path}${via}: a server listens (codex-dbg --connect unix://${path})` });
    return true;
  }
  const stale = live.code === 'ECONNREFUSED' || live.code === 'ENOENT';
  report({
    check: 'control socket',
    ok: false,
    detail: `${path}${via}: ${stale ? 'stale (the file is there, no server is behind it: a killed server leaves it)' : socketErrorText(live.code)}`,
    fix: stale ? `start a server, which replaces it: ${start}; or remove it: rm ${path}` : 'check the permissions of the socket',
  });
  return false;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function codexSource(source: string): string {
  return source === 'PATH' ? 'found on PATH' : source === '@openai/codex package' ? 'the @openai/codex npm package: no codex on PATH' : `from ${source}`;
}

/** "codex_dbg/0.169.0 (Debian …)" → "codex 0.169.0". */
function serverVersion(userAgent: string | undefined): string {
  const version = /\/(\d+\.\d+\.\d+\S*)/.exec(userAgent ?? '')?.[1];
  return version ? `codex ${version}` : 'the server';
}

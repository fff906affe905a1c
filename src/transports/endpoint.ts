// Where `--connect` points: a WebSocket URL (`ws://IP:PORT[/path]`, `wss://…`) or the app-server's Unix
// control socket (`unix://` for the default one of $CODEX_HOME, `unix://PATH` for another), which speaks
// WebSocket over the socket. What is shown or recorded never carries a URL's user, password or query.
import { lstatSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { usageError } from '../core/errors.ts';

export type Endpoint =
  | { kind: 'ws'; url: string; display: string; host: string; port: number; secure: boolean }
  | { kind: 'unix'; path: string; display: string };

const FORMS = '`ws://IP:PORT[/path]`, `wss://HOST[:PORT][/path]`, `unix://` (the control socket of $CODEX_HOME) or `unix:///path/to.sock`';

/** The control socket `codex app-server --listen unix://` and the daemon use. */
export function defaultControlSocket(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CODEX_HOME || join(homedir(), '.codex');
  return join(home, 'app-server-control', 'app-server-control.sock');
}

export function parseEndpoint(given: string, env: NodeJS.ProcessEnv = process.env): Endpoint {
  if (given.startsWith('unix://')) {
    const rest = given.slice('unix://'.length);
    const path = rest === '' ? defaultControlSocket(env) : resolve(rest);
    return { kind: 'unix', path, display: `unix://${path}` };
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw usageError(`--connect ${given}: not a URL; expected ${FORMS}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw usageError(`--connect ${given}: unsupported scheme ${url.protocol}//; expected ${FORMS}`);
  }
  if (url.search) throw usageError(`--connect ${given}: the server ignores a query string (a token goes in a header: --token-file or $CODEX_DBG_TOKEN)`);
  if (url.username || url.password) throw usageError('--connect: a URL with a user or password is not used; give the token with --token-file or $CODEX_DBG_TOKEN');
  const secure = url.protocol === 'wss:';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const display = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  return { kind: 'ws', url: `${url.protocol}//${url.host}${url.pathname}`, display, host, port, secure };
}

/**
 * The path to hand to connect(): codex's socket PATH is always a symlink to the real socket, and a path
 * longer than a sockaddr_un holds (about 107 bytes) only works through its target.
 */
export function socketTarget(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path;
  }
}

/** The HTTP base of a ws endpoint, for /readyz and /healthz. */
export function httpBase(endpoint: Extract<Endpoint, { kind: 'ws' }>): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.secure ? 'https' : 'http'}://${host}:${endpoint.port}`;
}

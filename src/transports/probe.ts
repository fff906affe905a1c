// Small checks of what listens at an address, used to explain a failed connection and by `doctor`: can a
// TCP or Unix socket connection be made at all, and what a plain HTTP GET (`/readyz`, `/healthz`) answers.
// Requests carry no Origin header (codex answers any request that has one with 403).
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { connect } from 'node:net';

export type Reach = { ok: true } | { ok: false; code: string };

/** Opens and closes a socket: `{ok:false, code:'ECONNREFUSED'}` when nothing listens there. */
export function reach(target: { host: string; port: number } | { path: string }, timeoutMs = 2000): Promise<Reach> {
  return new Promise((resolve) => {
    const socket = connect(target as { host: string; port: number });
    const done = (result: Reach) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, code: 'ETIMEDOUT' }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, code: error.code ?? error.message }));
  });
}

export type HttpAnswer = { status: number; body: string } | { error: string };

/** GET `url` and the first KiB of what comes back, or the socket error's code. */
export function httpGet(url: string, timeoutMs = 2000): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? requestTls : request;
    const req = get(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 1024) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.slice(0, 1024) }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** An error code in words: "nothing listens there (connection refused)". */
export function socketErrorText(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing listens there (connection refused)';
    case 'ENOENT':
      return 'no socket at that path';
    case 'ETIMEDOUT':
      return 'no answer (timed out)';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host cannot be reached';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'EACCES':
      return 'permission denied';
    default:
      return code;
  }
}

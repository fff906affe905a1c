// What --connect accepts, where a bearer token comes from (and that a minted JWT is what codex checks:
// HS256 over the secret's bytes, with exp, iss and aud), and which flags need --connect or --spawn-listen.
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readCommonOptions } from '../../src/cli/options.ts';
import { bearerSource, mintJwt } from '../../src/transports/bearer.ts';
import { defaultControlSocket, parseEndpoint } from '../../src/transports/endpoint.ts';
import { removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

function file(content: string | Buffer): string {
  const path = join(tempDir('bearer'), 'f');
  writeFileSync(path, content);
  return path;
}

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('--connect', () => {
  test('ws and wss URLs, shown without a trailing slash', () => {
    expect(parseEndpoint('ws://127.0.0.1:4500')).toEqual({ kind: 'ws', url: 'ws://127.0.0.1:4500/', display: 'ws://127.0.0.1:4500', host: '127.0.0.1', port: 4500, secure: false });
    expect(parseEndpoint('wss://codex.example/rpc')).toMatchObject({ url: 'wss://codex.example/rpc', display: 'wss://codex.example/rpc', port: 443, secure: true });
    expect(parseEndpoint('ws://[::1]:40767')).toMatchObject({ host: '::1', port: 40767 });
  });

  test('unix:// is the control socket of $CODEX_HOME; unix://PATH any other', () => {
    expect(parseEndpoint('unix://', { CODEX_HOME: '/h' })).toEqual({ kind: 'unix', path: '/h/app-server-control/app-server-control.sock', display: 'unix:///h/app-server-control/app-server-control.sock' });
    expect(defaultControlSocket({ HOME: '/home/u', CODEX_HOME: '' })).toMatch(/\.codex\/app-server-control\/app-server-control\.sock$/);
    expect(parseEndpoint('unix:///run/codex.sock')).toMatchObject({ kind: 'unix', path: '/run/codex.sock' });
    expect(parseEndpoint('unix://rel.sock')).toMatchObject({ path: join(process.cwd(), 'rel.sock') });
  });

  test('other schemes, a query (where a token would leak) and a user:password are refused with the forms it takes', () => {
    expect(() => parseEndpoint('http://127.0.0.1:1')).toThrow(/unsupported scheme http:\/\/; expected `ws:\/\/IP:PORT\[\/path\]`/);
    expect(() => parseEndpoint('127.0.0.1:4500')).toThrow(/unsupported scheme 127\.0\.0\.1:\/\/|not a URL/);
    expect(() => parseEndpoint('ws://127.0.0.1:1/?token=abc')).toThrow(/ignores a query string \(a token goes in a header: --token-file or \$CODEX_DBG_TOKEN\)/);
    expect(() => parseEndpoint('ws://u:p@127.0.0.1:1')).toThrow(/a URL with a user or password is not used/);
  });
});

describe('bearer tokens', () => {
  const base = { jwtTtlSeconds: 60 };

  test('a capability token from a file (one trailing newline trimmed), else from $CODEX_DBG_TOKEN; none without either', () => {
    const fromFile = bearerSource({ ...base, tokenFile: file('tok\n') }, {});
    expect(fromFile?.header()).toBe('Bearer tok');
    expect(fromFile?.describe).toBe('a capability token from --token-file');
    // What `--ws-token-sha256` takes: the digest of the token without its newline.
    expect(fromFile?.sha256).toBe(createHash('sha256').update('tok').digest('hex'));
    expect(bearerSource(base, { CODEX_DBG_TOKEN: 'env-tok' })?.header()).toBe('Bearer env-tok');
    expect(bearerSource(base, {})).toBeUndefined();
  });

  test('file problems are usage errors that name the flag and never the content', () => {
    expect(() => bearerSource({ ...base, tokenFile: '/nonexistent/tok' }, {})).toThrow('--token-file /nonexistent/tok: ENOENT');
    expect(() => bearerSource({ ...base, tokenFile: file('\n') }, {})).toThrow(/--token-file .*: the file is empty/);
    expect(() => bearerSource({ ...base, jwtSecretFile: file('short-secret') }, {})).toThrow(/the secret has 12 bytes; codex requires at least 32/);
    expect(() => bearerSource({ ...base, tokenFile: file('a'), jwtSecretFile: file('b') }, {})).toThrow('give one or the other');
    expect(() => bearerSource({ ...base, jwtIssuer: 'me' }, {})).toThrow('--jwt-issuer and --jwt-audience go with --jwt-secret-file');
  });

  test('a minted JWT: HS256 over the secret bytes, exp in ttl seconds, iss and aud when given, fresh per connection', () => {
    const secret = 'x'.repeat(40);
    const source = bearerSource({ ...base, jwtSecretFile: file(`${secret}\n`), jwtIssuer: 'dbg', jwtAudience: 'codex' }, {});
    const token = (source?.header() ?? '').replace(/^Bearer /, '');
    const [header, payload, signature] = token.split('.');
    expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decode(payload);
    expect(claims).toMatchObject({ iss: 'dbg', aud: 'codex' });
    expect(claims.exp - claims.iat).toBe(60);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(5);
    expect(signature).toBe(createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url'));
    expect(source?.sha256).toBeUndefined();
  });

  test('mintJwt without issuer or audience carries neither', () => {
    const claims = decode(mintJwt(Buffer.from('s'.repeat(32)), { ttlSeconds: 10, now: 1_000_000 }).split('.')[1]);
    expect(claims).toEqual({ iat: 1000, exp: 1010 });
  });
});

describe('flags for attaching', () => {
  test('--connect parses into an endpoint; --spawn-listen, --observe, --reconnect are read', () => {
    const options = readCommonOptions({ connect: 'ws://127.0.0.1:9', observe: true, reconnect: true });
    expect(options.connect).toMatchObject({ kind: 'ws', port: 9 });
    expect(options).toMatchObject({ observe: true, reconnect: true, spawnListen: false });
  });

  test.each([
    [{ tokenFile: 'f' }, '--token-file goes with --connect <url> or --spawn-listen'],
    [{ observe: true }, '--observe goes with --connect <url> or --spawn-listen'],
    [{ reconnect: true }, '--reconnect goes with --connect <url> or --spawn-listen'],
    [{ connect: 'ws://127.0.0.1:9', spawnListen: true }, '--connect attaches to a running server, --spawn-listen starts one'],
    [{ connect: 'ws://127.0.0.1:9', config: 'model=x' }, '-c/--config: with --connect the server runs already'],
    [{ connect: 'ws://127.0.0.1:9', scriptedModel: 's.json' }, '--scripted-model starts its own server'],
    [{ connect: 'unix://', tokenFile: 'f' }, 'a unix:// control socket takes no token'],
  ])('%o is a usage error', (raw, message) => {
    expect(() => readCommonOptions(raw)).toThrow(message);
  });
});

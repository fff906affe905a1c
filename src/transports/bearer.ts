// The bearer token a WebSocket app-server asks for (`--ws-auth capability-token|signed-bearer-token`): read
// from a file or the environment, or minted as a short-lived HS256 JWT from a shared secret file. The token
// only ever goes into the Authorization header of the handshake: never on a command line, into a message,
// a log line or a recording. What may be shown is `describe`, which names where it came from.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DbgError, usageError } from '../core/errors.ts';

/** The environment variable that may hold a capability token. */
export const TOKEN_ENV = 'CODEX_DBG_TOKEN';
/** codex refuses a signed-bearer secret shorter than this. */
const MIN_SECRET_BYTES = 32;

export interface BearerSource {
  /** Where the token comes from, for messages and recordings: "a capability token from --token-file". */
  describe: string;
  /** The flag (or variable) a user changes to fix a refused token. */
  flag: string;
  /** The Authorization header value, made fresh for each connection. */
  header(): string;
  /** For a capability token, its SHA-256 in hex (what `--ws-token-sha256` takes): not the secret itself. */
  sha256?: string;
}

export interface BearerOptions {
  tokenFile?: string;
  jwtSecretFile?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Seconds a minted token is valid; the handshake is all it is needed for. */
  jwtTtlSeconds: number;
}

export function bearerSource(options: BearerOptions, env: NodeJS.ProcessEnv = process.env): BearerSource | undefined {
  if (options.tokenFile && options.jwtSecretFile) throw usageError('--token-file and --jwt-secret-file: give one or the other');
  if (options.jwtSecretFile) {
    const secret = readSecretFile(options.jwtSecretFile, '--jwt-secret-file');
    if (secret.length < MIN_SECRET_BYTES) {
      throw usageError(`--jwt-secret-file ${options.jwtSecretFile}: the secret has ${secret.length} bytes; codex requires at least ${MIN_SECRET_BYTES}`);
    }
    return {
      describe: 'a signed bearer token (HS256) minted from --jwt-secret-file',
      flag: '--jwt-secret-file (and --jwt-issuer/--jwt-audience when the server checks them)',
      header: () => `Bearer ${mintJwt(secret, { issuer: options.jwtIssuer, audience: options.jwtAudience, ttlSeconds: options.jwtTtlSeconds })}`,
    };
  }
  if (options.jwtIssuer || options.jwtAudience) throw usageError('--jwt-issuer and --jwt-audience go with --jwt-secret-file');
  if (options.tokenFile) {
    const token = readSecretFile(options.tokenFile, '--token-file').toString('utf8');
    return { describe: 'a capability token from --token-file', flag: '--token-file', header: () => `Bearer ${token}`, sha256: sha256(token) };
  }
  const fromEnv = env[TOKEN_ENV];
  if (fromEnv) {
    const token = fromEnv.replace(/\r?\n$/, '');
    return { describe: `a capability token from $${TOKEN_ENV}`, flag: `$${TOKEN_ENV}`, header: () => `Bearer ${token}`, sha256: sha256(token) };
  }
  return undefined;
}

/** The file's bytes with one trailing newline trimmed, as codex reads its own token and secret files. */
function readSecretFile(path: string, flag: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DbgError('E_USAGE', `${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let end = bytes.length;
  if (bytes[end - 1] === 0x0a) end--;
  if (bytes[end - 1] === 0x0d) end--;
  if (end === 0) throw usageError(`${flag} ${path}: the file is empty`);
  return bytes.subarray(0, end);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** An HS256 JWT with `exp` (codex requires it), and `iss`/`aud` when given. */
export function mintJwt(secret: Buffer, claims: { issuer?: string; audience?: string; ttlSeconds: number; now?: number }): string {
  const now = Math.floor((claims.now ?? Date.now()) / 1000);
  const payload: Record<string, unknown> = { iat: now, exp: now + claims.ttlSeconds };
  if (claims.issuer) payload.iss = claims.issuer;
  if (claims.audience) payload.aud = claims.audience;
  const signing = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}

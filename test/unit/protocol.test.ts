// The hand-kept lists of methods must match what the pinned codex binary says: the server requests it sends
// and the client requests it takes (both from its --experimental schema).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLIENT_METHODS } from '../../src/codex/client-methods.ts';
import { SERVER_REQUEST_METHODS } from '../../src/codex/protocol.ts';
import { CODEX } from '../helpers/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const result = await x(CODEX, ['app-server', 'generate-json-schema', '--out', dir, '--experimental'], { throwOnError: true });
  expect(result.exitCode).toBe(0);
}, 60_000);

/** The method names of a request union in the schema (ServerRequest.json, ClientRequest.json). */
function methodsOf(file: string): string[] {
  const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { oneOf: { properties: { method: { enum: string[] } } }[] };
  return schema.oneOf.flatMap((variant) => variant.properties.method.enum);
}

test('SERVER_REQUEST_METHODS equals the ServerRequest union in the binary schema (--experimental)', () => {
  expect([...methodsOf('ServerRequest.json')].sort()).toEqual([...SERVER_REQUEST_METHODS].sort());
});

test('CLIENT_METHODS equals the ClientRequest union in the binary schema (--experimental), without repeats', () => {
  expect([...methodsOf('ClientRequest.json')].sort()).toEqual([...CLIENT_METHODS].sort());
  expect(new Set(CLIENT_METHODS).size).toBe(CLIENT_METHODS.length);
  expect(CLIENT_METHODS).toContain('thread/list');
});

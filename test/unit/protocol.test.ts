// The hand-written list of server requests must match what the pinned codex binary says it sends.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { expect, test } from 'vitest';
import { SERVER_REQUEST_METHODS } from '../../src/codex/protocol.ts';
import { CODEX } from '../helpers/world.ts';

test('SERVER_REQUEST_METHODS equals the ServerRequest union in the binary schema (--experimental)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-schema-'));
  try {
    const result = await x(CODEX, ['app-server', 'generate-json-schema', '--out', dir, '--experimental'], { throwOnError: true });
    expect(result.exitCode).toBe(0);
    const schema = JSON.parse(readFileSync(join(dir, 'ServerRequest.json'), 'utf8')) as { oneOf: { properties: { method: { enum: string[] } } }[] };
    const methods = schema.oneOf.flatMap((variant) => variant.properties.method.enum);
    expect([...methods].sort()).toEqual([...SERVER_REQUEST_METHODS].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

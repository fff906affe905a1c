// The schema comes from the codex binary once per version and is read from the cache after that. A stand-in
// codex (a shell script) counts how often it is asked; the real one is asked in the tests that need it.
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cachedSchema, cachedSchemaPath, codexVersion, loadSchema, schemaCacheDir } from '../../src/codex/schema-source.ts';
import { removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

/** A codex that says `version`, writes a one-type bundle for generate-json-schema, and logs each call. */
function fakeCodex(version: string, options: { failGenerate?: boolean } = {}): { bin: string; calls: () => string[] } {
  const dir = tempDir('fake-codex');
  const bin = join(dir, 'codex');
  const log = join(dir, 'calls.log');
  writeFileSync(
    bin,
    `#!/bin/sh
echo "$*" >> "${log}"
if [ "$1" = "--version" ]; then echo "codex-cli ${version}"; exit 0; fi
${options.failGenerate ? 'echo "error: unrecognized subcommand generate-json-schema" >&2; exit 2' : ''}
out=""; exp=false
while [ $# -gt 0 ]; do case "$1" in --out) out="$2"; shift;; --experimental) exp=true;; esac; shift; done
echo "{\\"definitions\\":{\\"Marker\\":{\\"const\\":\\"$exp\\"}}}" > "$out/codex_app_server_protocol.schemas.json"
echo "{}" > "$out/ClientRequest.json"
`,
  );
  chmodSync(bin, 0o755);
  return { bin, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('loadSchema', () => {
  test('generated once per version and variant, then read from the cache', async () => {
    const cacheDir = tempDir('schemas');
    const codex = fakeCodex('9.8.7');
    const first = await loadSchema(codex.bin, { experimental: true, cacheDir });
    expect(first).toMatchObject({ version: '9.8.7', experimental: true, fromCache: false, path: join(cacheDir, '9.8.7', 'experimental.json') });
    expect(first.bundle.definitions.Marker).toEqual({ const: 'true' });
    const again = await loadSchema(codex.bin, { experimental: true, cacheDir });
    expect(again.fromCache).toBe(true);
    const stable = await loadSchema(codex.bin, { experimental: false, cacheDir });
    expect(stable).toMatchObject({ fromCache: false, path: cachedSchemaPath(cacheDir, '9.8.7', false) });
    expect(stable.bundle.definitions.Marker).toEqual({ const: 'false' });
    const generations = codex.calls().filter((call) => call.startsWith('app-server generate-json-schema'));
    expect(generations).toHaveLength(2);
    // Only the bundles are kept: no scratch folders left beside them.
    expect(readdirSync(join(cacheDir, '9.8.7')).sort()).toEqual(['experimental.json', 'stable.json']);
    expect(cachedSchema('9.8.7', { experimental: true, cacheDir })?.bundle.definitions.Marker).toEqual({ const: 'true' });
    expect(cachedSchema('1.0.0', { experimental: true, cacheDir })).toBeUndefined();
  });

  test('a codex that cannot generate a schema: an E_PROTOCOL error with its own words, nothing cached', async () => {
    const cacheDir = tempDir('schemas');
    const codex = fakeCodex('0.1.0', { failGenerate: true });
    await expect(loadSchema(codex.bin, { experimental: true, cacheDir })).rejects.toMatchObject({
      code: 'E_PROTOCOL',
      message: expect.stringContaining('error: unrecognized subcommand generate-json-schema'),
    });
    expect(existsSync(cachedSchemaPath(cacheDir, '0.1.0', true))).toBe(false);
  });

  test('a corrupt cached file says how to recover', async () => {
    const cacheDir = tempDir('schemas');
    const codex = fakeCodex('2.0.0');
    const { path } = await loadSchema(codex.bin, { experimental: true, cacheDir });
    writeFileSync(path, '{"trunc');
    await expect(loadSchema(codex.bin, { experimental: true, cacheDir })).rejects.toThrow(/cannot read the cached schema .*delete it to regenerate/);
  });
});

test('codexVersion: the version codex prints; anything else is named by a hash', async () => {
  expect(await codexVersion(fakeCodex('0.169.0').bin)).toBe('0.169.0');
  const dir = tempDir('odd-codex');
  const odd = join(dir, 'codex');
  writeFileSync(odd, '#!/bin/sh\necho "dev build"\n');
  chmodSync(odd, 0o755);
  expect(await codexVersion(odd)).toMatch(/^unknown-[0-9a-f]{12}$/);
});

test('schemaCacheDir follows XDG_CACHE_HOME, else the platform cache folder', () => {
  expect(schemaCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe(join('/x/cache', 'codex-dbg', 'schemas'));
  expect(schemaCacheDir({})).toMatch(/codex-dbg[\\/]schemas$/);
});

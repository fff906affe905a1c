// scripts/install.sh against a local HTTP server on 127.0.0.1 serving release files.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT, removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const INSTALL = join(ROOT, 'scripts', 'install.sh');
const PLATFORM = 'linux-x64';
// A small stand-in binary keeps these tests fast; the real binary's own test is in runtimes.test.ts.
const FAKE_BINARY = '#!/bin/sh\necho "codex-dbg 9.9.9-test"\n';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let server: Server;
let baseUrl = '';
/** path → body; what the server serves. */
const files = new Map<string, string | Buffer>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function release(prefix: string, sums: string) {
  files.set(`${prefix}/codex-dbg-${PLATFORM}`, FAKE_BINARY);
  files.set(`${prefix}/SHA256SUMS`, sums);
}

async function install(prefix: string, env: Record<string, string> = {}) {
  const dir = join(tempDir('install'), 'bin');
  const result = await x('sh', [INSTALL], {
    throwOnError: false,
    nodeOptions: { env: { ...process.env, CODEX_DBG_DOWNLOAD_URL: `${baseUrl}${prefix}`, CODEX_DBG_INSTALL_DIR: dir, CODEX_DBG_PLATFORM: PLATFORM, ...env } },
  });
  return { result, dir };
}

describe('install.sh', () => {
  test('downloads, checks the checksum, installs as codex-dbg, and says what it did', async () => {
    release('/ok', `${sha('other')}  codex-dbg-linux-arm64\n${sha(FAKE_BINARY)}  codex-dbg-${PLATFORM}\n`);
    const { result, dir } = await install('/ok');
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'codex-dbg'), 'utf8')).toBe(FAKE_BINARY);
    expect(result.stdout).toContain(`checksum ok (${sha(FAKE_BINARY)})`);
    expect(result.stdout).toContain(`installed ${dir}/codex-dbg (codex-dbg 9.9.9-test)`);
    expect(result.stdout).toContain('is not on your PATH');
    expect(readdirSync(dir)).toEqual(['codex-dbg']);
  });

  test('a checksum mismatch installs nothing', async () => {
    release('/tampered', `${sha('something else')}  codex-dbg-${PLATFORM}\n`);
    const { result, dir } = await install('/tampered');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/checksum mismatch for codex-dbg-linux-x64: expected [0-9a-f]{64}, got [0-9a-f]{64}; nothing was installed/);
    expect(existsSync(join(dir, 'codex-dbg'))).toBe(false);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  test('an unknown platform and a failed download each say so and install nothing', async () => {
    const unknown = await install('/ok', { CODEX_DBG_PLATFORM: 'freebsd-riscv64' });
    expect(unknown.result.exitCode).toBe(1);
    expect(unknown.result.stderr).toMatch(/no codex-dbg binary for this platform \(freebsd-riscv64\)/);
    expect(existsSync(unknown.dir)).toBe(false);

    const missing = await install('/nothing-here');
    expect(missing.result.exitCode).toBe(1);
    expect(missing.result.stderr).toMatch(/download of http:\/\/127\.0\.0\.1:\d+\/nothing-here\/codex-dbg-linux-x64 failed/);
    expect(existsSync(missing.dir)).toBe(false);
  });

  // CI builds the binaries first; elsewhere this needs `npm run build:bin`.
  const bin = join(ROOT, 'dist', 'bin');
  test.skipIf(!existsSync(join(bin, `codex-dbg-${PLATFORM}`)) && !process.env.CI)('the real binary and SHA256SUMS from build:bin install and run', async () => {
    files.set(`/real/codex-dbg-${PLATFORM}`, readFileSync(join(bin, `codex-dbg-${PLATFORM}`)));
    files.set('/real/SHA256SUMS', readFileSync(join(bin, 'SHA256SUMS'), 'utf8'));
    const { result, dir } = await install('/real');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const version = await x(join(dir, 'codex-dbg'), ['--version']);
    expect(version.stdout).toMatch(/^codex-dbg \d+\.\d+\.\d+/);
  });
});

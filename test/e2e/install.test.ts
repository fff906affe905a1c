// scripts/install.sh against a local HTTP server on 127.0.0.1 serving release files: it must fetch the
// archive (never the raw binary), check it against SHA256SUMS, unpack it and install the binary in it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BINARY, haveBinary } from '../helpers/runtimes.ts';
import { ROOT, removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const INSTALL = join(ROOT, 'scripts', 'install.sh');
const PLATFORM = 'linux-x64';
const BINARY_NAME = `codex-dbg-${PLATFORM}`;
const ARCHIVE = `${BINARY_NAME}.tar.gz`;
// A small stand-in binary keeps most of these tests fast; the last one installs the real archive.
const FAKE_BINARY = '#!/bin/sh\necho "codex-dbg 9.9.9-test"\n';
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

let server: Server;
let baseUrl = '';
/** path → body; what the server serves. */
const files = new Map<string, string | Buffer>();
/** Every path asked for, in order. */
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A .tar.gz holding `members` (name → contents), made by tar as build-bin.mjs makes the real ones. */
async function tarball(members: Record<string, string>): Promise<Buffer> {
  const dir = tempDir('archive');
  for (const [name, contents] of Object.entries(members)) writeFileSync(join(dir, name), contents, { mode: 0o755 });
  await x('tar', ['-czf', join(dir, 'out.tar.gz'), '-C', dir, ...Object.keys(members)], { throwOnError: true });
  return readFileSync(join(dir, 'out.tar.gz'));
}

function release(prefix: string, archive: Buffer, sums: string) {
  files.set(`${prefix}/${ARCHIVE}`, archive);
  // The raw binary is there too, as in a real release: install.sh must not take it.
  files.set(`${prefix}/${BINARY_NAME}`, FAKE_BINARY);
  files.set(`${prefix}/SHA256SUMS`, sums);
}

async function install(prefix: string, env: Record<string, string> = {}) {
  const dir = join(tempDir('install'), 'bin');
  requested.length = 0;
  const result = await x('sh', [INSTALL], {
    throwOnError: false,
    nodeOptions: { env: { ...process.env, CODEX_DBG_DOWNLOAD_URL: `${baseUrl}${prefix}`, CODEX_DBG_INSTALL_DIR: dir, CODEX_DBG_PLATFORM: PLATFORM, ...env } },
  });
  return { result, dir };
}

const installedNothing = (dir: string) => expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);

describe('install.sh', () => {
  test('downloads the archive and SHA256SUMS only, checks, unpacks, installs as codex-dbg, and says what it did', async () => {
    const archive = await tarball({ [BINARY_NAME]: FAKE_BINARY });
    release('/ok', archive, `${sha('other')}  codex-dbg-linux-arm64.tar.gz\n${sha(FAKE_BINARY)}  ${BINARY_NAME}\n${sha(archive)}  ${ARCHIVE}\n`);
    const { result, dir } = await install('/ok');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(requested).toEqual([`/ok/${ARCHIVE}`, '/ok/SHA256SUMS']);
    expect(readFileSync(join(dir, 'codex-dbg'), 'utf8')).toBe(FAKE_BINARY);
    expect(result.stdout).toContain(`downloading ${ARCHIVE} from ${baseUrl}/ok`);
    expect(result.stdout).toContain(`checksum ok (${sha(archive)})`);
    expect(result.stdout).toContain(`installed ${dir}/codex-dbg (codex-dbg 9.9.9-test)`);
    expect(result.stdout).toContain('is not on your PATH');
    expect(readdirSync(dir)).toEqual(['codex-dbg']);
  });

  test('a tampered archive (checksum mismatch) installs nothing', async () => {
    const archive = await tarball({ [BINARY_NAME]: FAKE_BINARY });
    const tampered = Buffer.from(archive);
    tampered[tampered.length - 10] ^= 0xff;
    release('/tampered', tampered, `${sha(archive)}  ${ARCHIVE}\n`);
    const { result, dir } = await install('/tampered');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`codex-dbg install: checksum mismatch for ${ARCHIVE}: expected ${sha(archive)}, got ${sha(tampered)}; nothing was installed\n`);
    installedNothing(dir);
  });

  test('an archive without the binary, a SHA256SUMS without the archive, an unknown platform, a failed download: each says so and installs nothing', async () => {
    const wrong = await tarball({ 'something-else': FAKE_BINARY });
    release('/wrong', wrong, `${sha(wrong)}  ${ARCHIVE}\n`);
    const noBinary = await install('/wrong');
    expect(noBinary.result.stderr).toBe(`codex-dbg install: ${ARCHIVE} does not hold ${BINARY_NAME}; nothing was installed\n`);
    expect(noBinary.result.exitCode).toBe(1);
    installedNothing(noBinary.dir);

    const archive = await tarball({ [BINARY_NAME]: FAKE_BINARY });
    release('/unlisted', archive, `${sha(FAKE_BINARY)}  ${BINARY_NAME}\n`);
    const unlisted = await install('/unlisted');
    expect(unlisted.result.stderr).toBe(`codex-dbg install: SHA256SUMS has no line for ${ARCHIVE}\n`);
    installedNothing(unlisted.dir);

    const unknown = await install('/ok', { CODEX_DBG_PLATFORM: 'freebsd-riscv64' });
    expect(unknown.result.exitCode).toBe(1);
    expect(unknown.result.stderr).toMatch(/no codex-dbg binary for this platform \(freebsd-riscv64\)/);
    installedNothing(unknown.dir);

    const missing = await install('/nothing-here');
    expect(missing.result.exitCode).toBe(1);
    // curl says why first (here a 404); the script's own line is last.
    expect(missing.result.stderr.trimEnd().split('\n').at(-1)).toBe(`codex-dbg install: download of ${baseUrl}/nothing-here/${ARCHIVE} failed`);
    installedNothing(missing.dir);
  });

  // CI builds the binaries first; elsewhere this needs `npm run build:bin`.
  test.skipIf(!haveBinary)('the real archive and SHA256SUMS from build:bin install a binary that runs; the same archive tampered is refused', async () => {
    const bin = join(ROOT, 'dist', 'bin');
    expect(existsSync(BINARY), `${BINARY} was not built (npm run build:bin)`).toBe(true);
    const archive = readFileSync(join(bin, ARCHIVE));
    const sums = readFileSync(join(bin, 'SHA256SUMS'), 'utf8');
    expect(sums).toContain(`${sha(archive)}  ${ARCHIVE}\n`);
    files.set(`/real/${ARCHIVE}`, archive);
    files.set('/real/SHA256SUMS', sums);
    const { result, dir } = await install('/real');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(requested).toEqual([`/real/${ARCHIVE}`, '/real/SHA256SUMS']);
    expect(readFileSync(join(dir, 'codex-dbg')).equals(readFileSync(BINARY))).toBe(true);
    const version = await x(join(dir, 'codex-dbg'), ['--version']);
    expect(version.stdout).toMatch(/^codex-dbg \d+\.\d+\.\d+/);

    const tampered = Buffer.from(archive);
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    files.set(`/real-tampered/${ARCHIVE}`, tampered);
    files.set('/real-tampered/SHA256SUMS', sums);
    const refused = await install('/real-tampered');
    expect(refused.result.exitCode).toBe(1);
    expect(refused.result.stderr).toMatch(new RegExp(`checksum mismatch for ${ARCHIVE.replace(/\./g, '\\.')}: expected ${sha(archive)}, got ${sha(tampered)}; nothing was installed`));
    installedNothing(refused.dir);
  });
});

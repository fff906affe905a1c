// Only under `npm run test:compat` (the codex under test is an older release): `schema diff` between it and
// the pinned codex, both installed, lists changes known from their generated schemas.
import { afterAll, describe, expect, test } from 'vitest';
import { locateCodex } from '../../src/transports/locate-codex.ts';
import { CODEX, CODEX_VERSION, PINNED_CODEX_VERSION, ROOT, removeTempDirs, runCli, testCacheHome } from '../helpers/world.ts';

afterAll(removeTempDirs);

/** Lines `schema diff <release> 0.169.0` prints, read once from each release's real schema. */
const KNOWN_CHANGES: Record<string, string[]> = {
  '0.160.1': ['+ client request thread/sample', '~ client request account/gatewayOAuth/read: params none → optional'],
  '0.150.1': ['+ client request thread/sample', '- client request thread/rollback', '+ client request account/gatewayOAuth/read'],
};

describe.skipIf(CODEX_VERSION === PINNED_CODEX_VERSION)(`codex ${CODEX_VERSION} against the pinned ${PINNED_CODEX_VERSION}`, () => {
  test('schema diff between the two installed versions lists the known changes', async () => {
    const pinned = locateCodex({ env: {}, searchRoots: [ROOT] }).path;
    const result = await runCli(['schema', 'diff', CODEX, pinned], { env: { ...process.env, XDG_CACHE_HOME: testCacheHome() } });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^codex ${CODEX_VERSION.replace(/\./g, '\\.')} → codex ${PINNED_CODEX_VERSION.replace(/\./g, '\\.')} \\(experimental API included\\): \\d+ changes$`));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines).toEqual(expect.arrayContaining(KNOWN_CHANGES[CODEX_VERSION] ?? []));
  });
});

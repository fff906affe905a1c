// `codex-dbg schema diff <codexA> <codexB>`: what changed in the app-server protocol from one codex to
// another, one line per change on stdout. Each side is a codex binary (a path, or a name on PATH) or a
// version: a version is read from the schema cache when an earlier run cached it, else from an installed
// codex of that version (the one codex-dbg would use, or one in <cache>/codex-dbg/compat/ where
// `npm run test:compat` installs older releases). --no-experimental-api compares the stable surface only.
import { join } from 'node:path';
import { DbgError, ExitCode, usageError } from '../../core/errors.ts';
import { changeText, diffSchemas } from '../../codex/schema-diff.ts';
import { cachedSchema, codexVersion, compatCacheDir, loadSchema, type LoadedSchema } from '../../codex/schema-source.ts';
import { locateCodex } from '../../transports/locate-codex.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';

const VERSION = /^\d+\.\d+\.\d+[\w.+-]*$/;

export function schemaCommand(action: string, args: string[], options: CommonOptions): Promise<number> {
  return runCommand(options, async () => {
    if (action !== 'diff') throw usageError(`schema ${action}: unknown action (schema diff <codexA> <codexB>)`);
    if (args.length !== 2) throw usageError('schema diff needs two codex binaries or versions: schema diff <codexA> <codexB>');
    const experimental = options.experimentalApi;
    const [before, after] = [await schemaOf(args[0], experimental, options), await schemaOf(args[1], experimental, options)];
    const changes = diffSchemas(before.bundle, after.bundle);
    const surface = experimental ? 'experimental API included' : 'stable API';
    const lines = [`codex ${before.version} → codex ${after.version} (${surface}): ${changes.length} change${changes.length === 1 ? '' : 's'}`];
    lines.push(...changes.map(changeText));
    await new Promise((done) => process.stdout.write(`${lines.join('\n')}\n`, done));
    return ExitCode.ok;
  });
}

async function schemaOf(given: string, experimental: boolean, options: CommonOptions): Promise<LoadedSchema> {
  if (!VERSION.test(given)) return loadSchema(locateCodex({ codexBin: given }).path, { experimental });
  const cached = cachedSchema(given, { experimental });
  if (cached) return cached;
  const binary = await installedCodex(given, options);
  if (!binary) {
    throw new DbgError(
      'E_CODEX_NOT_FOUND',
      `no codex ${given} found: its schema is not cached yet and no installed codex has that version; give the path to its binary instead`,
    );
  }
  return loadSchema(binary, { experimental });
}

/** An installed codex of this version: the one codex-dbg would run, or one in the compat cache. */
async function installedCodex(version: string, options: CommonOptions): Promise<string | undefined> {
  const candidates: string[] = [];
  try {
    candidates.push(locateCodex({ codexBin: options.codexBin }).path);
  } catch {
    // None where codex-dbg looks; the compat cache may still have one.
  }
  try {
    // npm installed it there: <dir>/node_modules/@openai/codex-<platform>-<arch>/vendor/<triple>/bin/codex.
    candidates.push(locateCodex({ env: {}, searchRoots: [join(compatCacheDir(), version)] }).path);
  } catch {
    // Not installed by test:compat either.
  }
  for (const candidate of candidates) {
    if ((await codexVersion(candidate).catch(() => undefined)) === version) return candidate;
  }
  return undefined;
}

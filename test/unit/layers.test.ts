// The architecture, checked: which folder of src/ may import which. src/core imports nothing outside
// itself (besides Node's built-ins and valibot), so the core knows no plugin, transport or command.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../helpers/world.ts';

const SRC = join(ROOT, 'src');

/** Each layer and the layers it may import (itself always). Files at src/ root (the entry, the API) may import anything. */
const MAY_IMPORT: Record<string, string[]> = {
  core: [],
  transports: ['core'],
  codex: ['core'],
  plugins: ['core', 'codex', 'util'],
  recording: ['core', 'codex', 'util'],
  scripted: ['core', 'util'],
  util: ['core'],
  ui: ['core', 'util', 'codex', 'plugins', 'recording'],
  cli: ['core', 'util', 'transports', 'codex', 'plugins', 'recording', 'scripted', 'ui', 'root'],
};
/** Packages each layer may import; every layer may import node: built-ins. */
const PACKAGES: Record<string, string[]> = {
  core: ['valibot'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

function layerOf(file: string): string {
  const parts = relative(SRC, file).split(/[\\/]/);
  return parts.length === 1 ? 'root' : parts[0];
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
}

describe('layers', () => {
  const files = sourceFiles(SRC);

  test('every folder of src/ is a known layer', () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].filter((layer) => layer !== 'root' && !(layer in MAY_IMPORT))).toEqual([]);
  });

  test('each layer imports only the layers below it', () => {
    const broken: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      if (layer === 'root') continue;
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('node:')) continue;
        if (!specifier.startsWith('.')) {
          if (PACKAGES[layer] && !PACKAGES[layer].includes(specifier)) broken.push(`${relative(ROOT, file)} imports the package ${specifier}`);
          continue;
        }
        const target = layerOf(resolve(dirname(file), specifier));
        if (target !== layer && !MAY_IMPORT[layer].includes(target)) broken.push(`${relative(ROOT, file)} (${layer}) imports ${specifier} (${target})`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('the check sees imports: src/core/connection.ts imports its own layer', () => {
    expect(importsOf(join(SRC, 'core', 'connection.ts'))).toContain('./transport.ts');
  });
});

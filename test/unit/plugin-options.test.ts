import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, afterAll } from 'vitest';
import { DbgError } from '../../src/core/errors.ts';
import { SERVER_REQUEST_METHODS } from '../../src/codex/protocol.ts';
import { loadPlugin } from '../../src/plugins/loader.ts';
import { parsePluginArg, readPluginsConfig, validateOptions } from '../../src/plugins/options.ts';
import { tempDir, removeTempDirs } from '../helpers/world.ts';

afterAll(removeTempDirs);

describe('plugin options', () => {
  test('parses name:key=value,key=value; values may hold commas and colons; Windows paths are not split', () => {
    expect(parsePluginArg('auto-approve')).toEqual({ ref: 'auto-approve', options: {} });
    expect(parsePluginArg('policy:file=a.json,verbose=true')).toEqual({ ref: 'policy', options: { file: 'a.json', verbose: 'true' } });
    expect(parsePluginArg('./p.ts:list=a,b,c,mode=x:y')).toEqual({ ref: './p.ts', options: { list: 'a,b,c', mode: 'x:y' } });
    expect(parsePluginArg('C:\\plugins\\p.ts')).toEqual({ ref: 'C:\\plugins\\p.ts', options: {} });
  });

  test('coerces to the declared type, fills defaults, and names the plugin and key on error', () => {
    const specs = { n: { type: 'number' as const, default: 1 }, b: { type: 'boolean' as const }, s: { type: 'string' as const, required: true } };
    expect(validateOptions('p', specs, { n: '5', b: 'yes', s: 'x' })).toEqual({ n: 5, b: true, s: 'x' });
    expect(validateOptions('p', specs, { s: 'x' })).toEqual({ n: 1, b: undefined, s: 'x' });
    expect(() => validateOptions('p', specs, { s: 'x', n: 'five' })).toThrow('plugin "p": option "n" must be a number, got "five"');
    expect(() => validateOptions('p', specs, { s: 'x', b: 'maybe' })).toThrow('option "b" must be a boolean');
    expect(() => validateOptions('p', specs, {})).toThrow('plugin "p": option "s" is required');
    expect(() => validateOptions('p', specs, { s: 'x', extra: '1' })).toThrow('plugin "p": unknown option "extra" (it takes: n, b, s)');
    expect(() => validateOptions('q', undefined, { a: '1' })).toThrow('(it takes no options)');
  });

  test('--plugins-config is validated', () => {
    const dir = tempDir('cfg');
    const good = join(dir, 'good.json');
    writeFileSync(good, '{"policy": {"file": "r.json"}, "auto-approve": {"session": true}}');
    expect(readPluginsConfig(good)).toEqual({ policy: { file: 'r.json' }, 'auto-approve': { session: true } });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"policy": ["not", "an", "object"]}');
    expect(() => readPluginsConfig(bad)).toThrow(/bad\.json: expected \{"plugin-name": \{"option": value\}\}: policy: /);
    expect(() => readPluginsConfig(join(dir, 'missing.json'))).toThrow(/ENOENT/);
  });
});

describe('plugin loader: handler keys', () => {
  const load = (source: string) => {
    const dir = tempDir('keys');
    const file = join(dir, 'p.mjs');
    writeFileSync(file, source);
    return loadPlugin({ ref: file, options: {} }, { builtins: {}, api: {} });
  };

  test('a key that names no server request is an error at load time, with the nearest method', async () => {
    const error = await load(`export default { name: 'typo', handlers: { 'item/commandExecution/requestApprovall': () => ({ decision: 'accept' }) } };`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DbgError);
    expect(error).toMatchObject({ code: 'E_PLUGIN', exitCode: 2 });
    expect((error as Error).message).toMatch(
      /p\.mjs: plugin "typo" has a handler for "item\/commandExecution\/requestApprovall", which is not a server request; did you mean "item\/commandExecution\/requestApproval"\?$/,
    );
  });

  test('a key near nothing lists the server requests; "*" and every real method load', async () => {
    const error = await load(`export default { name: 'far', handlers: { 'thread/start': () => ({}) } };`).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/has a handler for "thread\/start", which is not a server request; server requests are: item\/commandExecution\/requestApproval, .*execCommandApproval; "\*" answers any$/);
    const all = SERVER_REQUEST_METHODS.map((method) => `${JSON.stringify(method)}: () => undefined`).join(', ');
    const loaded = await load(`export default { name: 'all', handlers: { '*': () => undefined, ${all} } };`);
    expect(Object.keys(loaded.plugin.handlers ?? {})).toHaveLength(SERVER_REQUEST_METHODS.length + 1);
  });
});

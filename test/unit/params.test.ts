// `call` and `:call` build params with paramsFor: {} when no JSON is given, nothing for methods typed without
// params, and a usage error for JSON that is not an object. The method lists are checked against the
// binary's own schema.
import { afterAll, describe, expect, test } from 'vitest';
import { CLIENT_METHODS } from '../../src/codex/client-methods.ts';
import { METHODS_WITH_OPTIONAL_PARAMS, METHODS_WITHOUT_PARAMS, paramsFor } from '../../src/codex/params.ts';
import { protocolTables } from '../../src/codex/protocol-schema.ts';
import { codexSchema, forgetSchemas } from '../helpers/schema.ts';
import { CODEX_VERSION, PINNED_CODEX_VERSION, removeTempDirs } from '../helpers/world.ts';

afterAll(() => {
  forgetSchemas();
  removeTempDirs();
});

describe('paramsFor', () => {
  test('no JSON: {} for a method with params, nothing for one typed without or with optional params', () => {
    expect(paramsFor('call model/list', 'model/list', undefined)).toEqual({});
    expect(paramsFor('call model/list', 'model/list', '  ')).toEqual({});
    expect(paramsFor('call x', 'configRequirements/read', undefined)).toBeUndefined();
    expect(paramsFor('call x', 'account/rateLimits/read', '')).toBeUndefined();
    // A method codex-dbg has never heard of (a newer codex) gets {}: codex accepts {} for every method.
    expect(paramsFor('call x', 'brand/new', undefined)).toEqual({});
  });

  test('a JSON object is sent as given; {} for a method that takes none is left out', () => {
    expect(paramsFor('call thread/list', 'thread/list', '{"limit": 5}')).toEqual({ limit: 5 });
    expect(paramsFor('call x', 'account/logout', '{}')).toBeUndefined();
  });

  test.each([
    ['[1, 2]', 'not an array'],
    ['"text"', 'not a string'],
    ['42', 'not a number'],
    ['null', 'not null'],
    ['true', 'not a boolean'],
  ])('%s is refused before anything is sent: %s', (json, why) => {
    expect(() => paramsFor('call thread/list', 'thread/list', json)).toThrow(`call thread/list: params must be a JSON object such as {"key": "value"}, ${why}`);
  });

  test('invalid JSON and fields for a method without params are usage errors', () => {
    expect(() => paramsFor(':call thread/list', 'thread/list', '{"limit": 5,')).toThrow(/^:call thread\/list: params are not valid JSON: /);
    expect(() => paramsFor('call x', 'account/logout', '{"all": true}')).toThrow('call x: account/logout takes no params; leave the JSON out');
    const error = (() => {
      try {
        paramsFor('call x', 'x', '[]');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toMatchObject({ code: 'E_USAGE', exitCode: 2 });
  });
});

describe.skipIf(CODEX_VERSION !== PINNED_CODEX_VERSION)('the method lists match the pinned binary schema', () => {
  test('CLIENT_METHODS is the ClientRequest union, in order (--experimental)', async () => {
    const { bundle } = await codexSchema(true);
    expect([...protocolTables(bundle).clientRequest.keys()]).toEqual([...CLIENT_METHODS]);
  });

  test('methods without params and with optional params are exactly those the schema types so', async () => {
    const tables = protocolTables((await codexSchema(true)).bundle);
    const rules = [...tables.clientRequest.values()];
    expect(rules.filter((s) => s.params === 'none').map((s) => s.method).sort()).toEqual([...METHODS_WITHOUT_PARAMS].sort());
    expect(rules.filter((s) => s.params === 'optional').map((s) => s.method).sort()).toEqual([...METHODS_WITH_OPTIONAL_PARAMS].sort());
    // The rest (167 of 184) require params: paramsFor gives them {}.
    const required = rules.filter((s) => s.params === 'required');
    expect(required.length).toBe(167);
    for (const { method } of required) expect(paramsFor('t', method, undefined)).toEqual({});
  });
});

// Method tables read from the binary's schema: every request has a params rule and a result type.
import { afterAll, describe, expect, test } from 'vitest';
import { definitionPointer, protocolTables, resolvePointer, RESULT_TYPE_EXCEPTIONS, type SchemaBundle } from '../../src/codex/protocol-schema.ts';
import { codexSchema, forgetSchemas } from '../helpers/schema.ts';
import { CODEX_VERSION, PINNED_CODEX_VERSION, removeTempDirs } from '../helpers/world.ts';

afterAll(() => {
  forgetSchemas();
  removeTempDirs();
});

const tiny: SchemaBundle = {
  definitions: {
    ClientRequest: {
      oneOf: [
        { properties: { id: {}, method: { enum: ['a/get'] }, params: { $ref: '#/definitions/v2/AGetParams' } }, required: ['id', 'method', 'params'] },
        { properties: { id: {}, method: { enum: ['b/reset'] }, params: { type: 'null' } }, required: ['id', 'method'] },
        { properties: { id: {}, method: { enum: ['c/read'] }, params: { anyOf: [{ $ref: '#/definitions/v2/CReadParams' }, { type: 'null' }] } }, required: ['id', 'method'] },
        { properties: { id: {}, method: { enum: ['config/value/write'] }, params: { $ref: '#/definitions/v2/ConfigValueWriteParams' } }, required: ['id', 'method', 'params'] },
      ],
    },
    ServerNotification: { oneOf: [{ properties: { method: { enum: ['a/changed'] }, params: { $ref: '#/definitions/v2/AChanged' } }, required: ['method', 'params'] }] },
    v2: { AGetParams: {}, AGetResponse: { type: 'object' }, CReadParams: {}, CReadResponse: {}, ConfigValueWriteParams: {}, ConfigWriteResponse: {}, AChanged: {} },
  },
};

describe('protocolTables', () => {
  test('params rules, params pointers and result types by convention or exception', () => {
    const tables = protocolTables(tiny);
    expect(tables.clientRequest.get('a/get')).toEqual({
      method: 'a/get',
      params: 'required',
      paramsPointer: '#/definitions/ClientRequest/oneOf/0/properties/params',
      resultPointer: '#/definitions/v2/AGetResponse',
    });
    expect(tables.clientRequest.get('b/reset')).toEqual({ method: 'b/reset', params: 'none', resultPointer: undefined });
    expect(tables.clientRequest.get('c/read')).toMatchObject({ params: 'optional', resultPointer: '#/definitions/v2/CReadResponse' });
    expect(tables.clientRequest.get('config/value/write')?.resultPointer).toBe('#/definitions/v2/ConfigWriteResponse');
    expect([...tables.serverNotification.keys()]).toEqual(['a/changed']);
    expect(tables.serverRequest.size).toBe(0);
    expect(resolvePointer(tiny, '#/definitions/v2/AGetResponse')).toEqual({ type: 'object' });
  });
});

describe.skipIf(CODEX_VERSION !== PINNED_CODEX_VERSION)('against the pinned binary schema', () => {
  test('every exception names a type the schema has, and every request has a result type', async () => {
    const { bundle } = await codexSchema(true);
    for (const name of Object.values(RESULT_TYPE_EXCEPTIONS)) expect(definitionPointer(bundle, name), name).toBeDefined();
    const tables = protocolTables(bundle);
    expect(tables.clientRequest.size).toBe(184);
    expect(tables.serverRequest.size).toBe(11);
    expect(tables.serverNotification.size).toBeGreaterThan(80);
    expect(tables.clientNotification.get('initialized')?.params).toBe('none');
    const missing = [...tables.clientRequest.values(), ...tables.serverRequest.values()].filter((s) => !s.resultPointer).map((s) => s.method);
    expect(missing).toEqual([]);
    // Each pointer lands on a schema.
    for (const signature of tables.clientRequest.values()) {
      if (signature.paramsPointer) expect(resolvePointer(bundle, signature.paramsPointer), signature.method).toBeTypeOf('object');
      expect(resolvePointer(bundle, signature.resultPointer as string), signature.method).toBeTypeOf('object');
    }
  });
});

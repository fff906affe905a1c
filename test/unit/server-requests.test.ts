// The valibot schemas of the 11 server requests must say what the pinned codex binary's own schema says:
// for each reply, the same verdict on every sample the binary's schema yields and on every mutation of it;
// for params, every valid sample passes, and the fields we check get the same verdict as the binary's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x } from 'tinyexec';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SERVER_REQUEST_METHODS } from '../../src/codex/protocol.ts';
import { SERVER_REQUEST_SCHEMAS, paramsProblem, resultProblem } from '../../src/codex/server-requests.ts';
import { JsonSchema, mutations, type Path, type Schema } from '../helpers/json-schema.ts';
import { BAD_RESULTS, MALFORMED_PARAMS, VALID_PARAMS } from '../helpers/server-requests.ts';
import { CODEX } from '../helpers/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The binary's JSON Schema for each method's params and reply. */
const binary = new Map<string, { params: JsonSchema; result: JsonSchema }>();
beforeAll(async () => {
  await x(CODEX, ['app-server', 'generate-json-schema', '--out', dir, '--experimental'], { throwOnError: true });
  const read = (name: string) => new JsonSchema(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Schema);
  const union = JSON.parse(readFileSync(join(dir, 'ServerRequest.json'), 'utf8')) as {
    oneOf: { properties: { method: { enum: string[] }; params: { $ref: string } } }[];
  };
  for (const variant of union.oneOf) {
    const paramsName = variant.properties.params.$ref.replace('#/definitions/', '');
    binary.set(variant.properties.method.enum[0], { params: read(paramsName), result: read(paramsName.replace(/Params$/, 'Response')) });
  }
}, 60_000);

/** Whether the valibot schema checks the value at `path` (a field it declares, not one it leaves unknown). */
function declares(schema: v.GenericSchema, path: Path): boolean {
  let current = unwrap(schema);
  for (const key of path) {
    current = current
      .flatMap((s) => {
        const inner = s as unknown as { entries?: Record<string, v.GenericSchema>; item?: v.GenericSchema; value?: v.GenericSchema };
        if (inner.entries) return Object.hasOwn(inner.entries, key) ? [inner.entries[key]] : [];
        if (s.type === 'array' && typeof key === 'number') return [inner.item as v.GenericSchema];
        if (s.type === 'record') return [inner.value as v.GenericSchema];
        return [];
      })
      .flatMap(unwrap);
    if (current.length === 0) return false;
  }
  return current.every(checksAll);
}

/** Whether nothing below this schema is left unknown (an array of unknown items does not check its items). */
function checksAll(schema: v.GenericSchema): boolean {
  if (schema.type === 'unknown') return false;
  const inner = schema as unknown as { entries?: Record<string, v.GenericSchema>; item?: v.GenericSchema; value?: v.GenericSchema };
  const children = [...Object.values(inner.entries ?? {}), ...(inner.item ? [inner.item] : []), ...(schema.type === 'record' && inner.value ? [inner.value] : [])];
  return unwrap(schema).every((s) => s === schema || checksAll(s)) && children.flatMap(unwrap).every(checksAll);
}

function unwrap(schema: v.GenericSchema): v.GenericSchema[] {
  const inner = schema as unknown as { wrapped?: v.GenericSchema; options?: v.GenericSchema[]; pipe?: { kind: string; type: string }[] };
  if (inner.wrapped) return unwrap(inner.wrapped);
  // object() and record() are a pipe: a check that refuses arrays, then the object or record.
  if (inner.pipe && schema.type === 'custom') return (inner.pipe.slice(1).filter((item) => item.kind === 'schema') as unknown as v.GenericSchema[]).flatMap(unwrap);
  if ((schema.type === 'union' || schema.type === 'variant') && inner.options) return inner.options.flatMap(unwrap);
  return [schema];
}

const agrees = (schema: v.GenericSchema, value: unknown) => v.safeParse(schema, value).success;

describe('server-request schemas against the binary schema', () => {
  test('one pair of schemas for each of the 11 server requests, no more', () => {
    expect(Object.keys(SERVER_REQUEST_SCHEMAS).sort()).toEqual([...SERVER_REQUEST_METHODS].sort());
    expect([...binary.keys()].sort()).toEqual([...SERVER_REQUEST_METHODS].sort());
  });

  test.each([...SERVER_REQUEST_METHODS])('%s: the reply schema agrees on every sample and every mutation of one', (method) => {
    const json = (binary.get(method) as { result: JsonSchema }).result;
    const ours = SERVER_REQUEST_SCHEMAS[method].result;
    const disagreements: string[] = [];
    const samples = json.samples();
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      if (!json.valid(sample)) throw new Error(`the sample generator made an invalid sample: ${JSON.stringify(sample)}`);
      if (!agrees(ours, sample)) disagreements.push(`valid, refused: ${JSON.stringify(sample)}`);
      for (const mutated of mutations(sample)) {
        if (json.valid(mutated.value) !== agrees(ours, mutated.value)) {
          disagreements.push(`${json.valid(mutated.value) ? 'valid, refused' : 'invalid, accepted'} (${mutated.path.join('.')}): ${JSON.stringify(mutated.value)}`);
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  test.each([...SERVER_REQUEST_METHODS])('%s: params the binary sends pass; the fields we check get its verdict', (method) => {
    const json = (binary.get(method) as { params: JsonSchema }).params;
    const ours = SERVER_REQUEST_SCHEMAS[method].params;
    const disagreements: string[] = [];
    for (const sample of json.samples()) {
      if (!json.valid(sample)) throw new Error(`the sample generator made an invalid sample: ${JSON.stringify(sample)}`);
      if (!agrees(ours, sample)) disagreements.push(`valid, refused: ${JSON.stringify(sample)}`);
      for (const mutated of mutations(sample)) {
        const valid = json.valid(mutated.value);
        if (valid && !agrees(ours, mutated.value)) disagreements.push(`valid, refused (${mutated.path.join('.')}): ${JSON.stringify(mutated.value)}`);
        if (!valid && agrees(ours, mutated.value) && declares(ours, mutated.path)) {
          disagreements.push(`invalid in a checked field, accepted (${mutated.path.join('.')}): ${JSON.stringify(mutated.value)}`);
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(json.valid(VALID_PARAMS[method])).toBe(true);
  });

  test.each([...SERVER_REQUEST_METHODS])('%s: the test fixtures are what the binary says (valid params, malformed params, bad results)', (method) => {
    const json = binary.get(method) as { params: JsonSchema; result: JsonSchema };
    for (const params of MALFORMED_PARAMS[method]) expect(json.params.valid(params), JSON.stringify(params)).toBe(false);
    for (const { result } of BAD_RESULTS[method]) expect(json.result.valid(result), JSON.stringify(result)).toBe(false);
  });
});

describe('reasons a person can read', () => {
  test('each bad result and each malformed params says what is wrong, and where', () => {
    for (const method of SERVER_REQUEST_METHODS) {
      for (const { result, reason } of BAD_RESULTS[method]) expect(resultProblem(method, result), `${method} ${JSON.stringify(result)}`).toMatch(reason);
      for (const params of MALFORMED_PARAMS[method]) expect(paramsProblem(method, params), `${method} ${JSON.stringify(params)}`).toBeTypeOf('string');
      expect(paramsProblem(method, VALID_PARAMS[method])).toBeUndefined();
    }
  });

  test('a value that is close to one option of a union is described by that option', () => {
    expect(resultProblem('item/commandExecution/requestApproval', { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: [1] } } })).toMatch(
      /^decision\.acceptWithExecpolicyAmendment\.execpolicy_amendment\.0: Invalid type: Expected string but received 1$/,
    );
    expect(resultProblem('execCommandApproval', { decision: { denied: {} } })).toMatch(/^decision\.denied\.rejection: Invalid key/);
  });

  test('methods we do not know are not checked here (the host answers them -32601 or lets "*" handlers answer)', () => {
    expect(paramsProblem('unknown/method', null)).toBeUndefined();
    expect(resultProblem('toString', 42)).toBeUndefined();
    expect(resultProblem('__proto__', 42)).toBeUndefined();
  });
});

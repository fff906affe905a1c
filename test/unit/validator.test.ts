// The validator against the binary's own schema: valid traffic passes, and each kind of violation, in each
// direction, comes back as one line naming direction, kind, method, id, the path and the rule.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SchemaBundle } from '../../src/codex/protocol-schema.ts';
import { ProtocolValidator, violationText, type Observed } from '../../src/codex/validator.ts';
import { codexSchema, forgetSchemas } from '../helpers/schema.ts';
import { removeTempDirs } from '../helpers/world.ts';

let bundle: SchemaBundle;
beforeAll(async () => {
  bundle = (await codexSchema(true)).bundle;
});
afterAll(() => {
  forgetSchemas();
  removeTempDirs();
});

const out = (kind: Observed['kind'], message: object): Observed => ({ direction: 'out', kind, message });
const inn = (kind: Observed['kind'], message: object): Observed => ({ direction: 'in', kind, message });

function lines(validator: ProtocolValidator, entry: Observed): string[] {
  return validator.check(entry).map(violationText);
}

describe('valid traffic passes', () => {
  test('a handshake, a thread, a turn and its notifications, an approval and its answer', () => {
    const validator = new ProtocolValidator(bundle, 'codex');
    const traffic: Observed[] = [
      out('request', { id: 1, method: 'initialize', params: { clientInfo: { name: 'codex_dbg', title: 'codex-dbg', version: '0.1.0' }, capabilities: { experimentalApi: true } } }),
      inn('response', { id: 1, result: { userAgent: 'codex_dbg/0.169.0', codexHome: '/h', platformFamily: 'unix', platformOs: 'linux' } }),
      out('notification', { method: 'initialized' }),
      out('request', { id: 2, method: 'thread/start', params: { approvalPolicy: 'untrusted', sandbox: 'workspace-write' } }),
      out('request', { id: 3, method: 'turn/start', params: { threadId: 't', input: [{ type: 'text', text: 'hi', text_elements: [] }] } }),
      inn('notification', { method: 'item/agentMessage/delta', params: { threadId: 't', turnId: 'u', itemId: 'i', delta: 'he' }, emittedAtMs: 1 }),
      inn('request', { id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'c', startedAtMs: 1, command: 'ls' } }),
      out('response', { id: 0, result: { decision: 'accept' } }),
      inn('request', { id: 1, method: 'attestation/generate', params: {} }),
      out('error', { id: 1, error: { code: -32601, message: 'no plugin' } }),
      out('request', { id: 4, method: 'configRequirements/read' }),
      out('request', { id: 5, method: 'account/rateLimits/read' }),
      inn('error', { id: 5, error: { code: -32600, message: 'not logged in' } }),
    ];
    expect(traffic.flatMap((entry) => lines(validator, entry))).toEqual([]);
  });
});

describe('violations, client → server', () => {
  test('a value outside an enum names the path, the allowed values and what was sent', () => {
    const validator = new ProtocolValidator(bundle, 'codex 0.169.0');
    expect(lines(validator, out('request', { id: 7, method: 'thread/start', params: { approvalPolicy: 'on-failure' } }))).toEqual([
      'violation: out request thread/start id 7: params.approvalPolicy: must be "untrusted" | "on-request" | "never" | object | null (got "on-failure")',
    ]);
    // A wrong type where the values sit behind a $ref (SandboxMode | null): the values are named too.
    expect(lines(validator, out('request', { id: 8, method: 'thread/start', params: { sandbox: 3 } }))).toEqual([
      'violation: out request thread/start id 8: params.sandbox: must be "read-only" | "workspace-write" | "danger-full-access" | null (got 3)',
    ]);
  });

  test('params missing where required, params given where typed null, an unknown method', () => {
    const validator = new ProtocolValidator(bundle, 'codex 0.169.0');
    expect(lines(validator, out('request', { id: 1, method: 'model/list' }))).toEqual(['violation: out request model/list id 1: params: is required']);
    expect(lines(validator, out('request', { id: 2, method: 'configRequirements/read', params: {} }))).toEqual([
      'violation: out request configRequirements/read id 2: params: must be left out: configRequirements/read takes no params (got {})',
    ]);
    expect(lines(validator, out('request', { id: 3, method: 'configRequirements/read', params: null }))).toEqual([]);
    expect(lines(validator, out('request', { id: 4, method: 'thread/lst', params: {} }))).toEqual([
      'violation: out request thread/lst id 4: method: "thread/lst" is not a client request of codex 0.169.0',
    ]);
    expect(lines(validator, out('notification', { method: 'initialised' }))).toEqual([
      'violation: out notification initialised: method: "initialised" is not a client notification of codex 0.169.0',
    ]);
  });

  test('an answer to a server request is checked against that method’s result type', () => {
    const validator = new ProtocolValidator(bundle, 'codex');
    validator.check(inn('request', { id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'c', startedAtMs: 1 } }));
    validator.check(inn('request', { id: 1, method: 'item/permissions/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'p', cwd: '/', reason: null, permissions: {} } }));
    validator.check(inn('request', { id: 2, method: 'item/fileChange/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'f', startedAtMs: 1 } }));
    expect(lines(validator, out('response', { id: 0, result: { decision: 'approved' } }))).toEqual([
      'violation: out response item/commandExecution/requestApproval id 0: result.decision: must be "accept" | "acceptForSession" | object | "decline" | "cancel" (got "approved")',
    ]);
    expect(lines(validator, out('response', { id: 1, result: { permissions: {}, scope: 'forever' } }))).toEqual([
      'violation: out response item/permissions/requestApproval id 1: result.scope: must be "turn" | "session" (got "forever")',
    ]);
    expect(lines(validator, out('response', { id: 2, result: null }))).toEqual([
      'violation: out response item/fileChange/requestApproval id 2: result: must be object (got null)',
    ]);
    // Answered once: a second reply to the same id is not the schema's business (the connection reports it).
    expect(lines(validator, out('response', { id: 2, result: null }))).toEqual([]);
  });

  test('a path through arrays is written with indexes', () => {
    const validator = new ProtocolValidator(bundle, 'codex');
    expect(lines(validator, out('request', { id: 9, method: 'turn/start', params: { threadId: 't', input: [{ type: 'text', text: 'a', text_elements: [] }, { type: 'text', text: 5, text_elements: [] }] } }))).toEqual([
      expect.stringMatching(/^violation: out request turn\/start id 9: params\.input\[1\]\.text: must be string \(got 5\)$/),
    ]);
  });
});

describe('violations, server → client', () => {
  test('a notification with a field of the wrong type, one the schema does not know, a malformed server request', () => {
    const validator = new ProtocolValidator(bundle, 'codex 0.169.0');
    expect(lines(validator, inn('notification', { method: 'item/agentMessage/delta', params: { threadId: 't', turnId: 'u', itemId: 'i', delta: 5 } }))).toEqual([
      'violation: in notification item/agentMessage/delta: params.delta: must be string (got 5)',
    ]);
    expect(lines(validator, inn('notification', { method: 'turn/weird', params: {} }))).toEqual([
      'violation: in notification turn/weird: method: "turn/weird" is not a server notification of codex 0.169.0',
    ]);
    expect(lines(validator, inn('request', { id: 3, method: 'execCommandApproval', params: null }))).toEqual([
      'violation: in request execCommandApproval id 3: params: must be object (got null)',
    ]);
  });

  test('a reply to our request is checked against the result type of the method we asked', () => {
    const validator = new ProtocolValidator(bundle, 'codex');
    validator.check(out('request', { id: 4, method: 'thread/start', params: {} }));
    const found = lines(validator, inn('response', { id: 4, result: { thread: {} } }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^violation: in response thread\/start id 4: result\.[\w.]+: is required$/);
    validator.check(out('request', { id: 5, method: 'model/list', params: {} }));
    expect(lines(validator, inn('error', { id: 5, error: { code: 'bad', message: 'x' } }))).toEqual([
      'violation: in error model/list id 5: error.code: must be integer (got "bad")',
    ]);
  });
});

test('the stable schema refuses an experimental method', async () => {
  const stable = new ProtocolValidator((await codexSchema(false)).bundle, 'codex (stable API)');
  expect(lines(stable, out('request', { id: 1, method: 'thread/search', params: {} }))).toEqual([
    'violation: out request thread/search id 1: method: "thread/search" is not a client request of codex (stable API)',
  ]);
});

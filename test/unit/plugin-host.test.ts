import kleur from 'kleur';
import { describe, expect, test } from 'vitest';
import type { TrafficEntry } from '../../src/core/connection.ts';
import { PluginHost, type LoadedPlugin } from '../../src/plugins/host.ts';
import { definePlugin, type Plugin } from '../../src/plugins/contract.ts';
import { SERVER_REQUEST_METHODS } from '../../src/codex/protocol.ts';
import { DbgError } from '../../src/core/errors.ts';
import { BAD_RESULTS, MALFORMED_PARAMS, VALID_PARAMS } from '../helpers/server-requests.ts';

function host(plugins: Plugin[], options: { handlerTimeoutMs?: number } = {}) {
  const logs: string[] = [];
  const answered: string[] = [];
  const loaded: LoadedPlugin[] = plugins.map((plugin) => ({ plugin, options: {} }));
  const h = new PluginHost(loaded, undefined, {
    handlerTimeoutMs: options.handlerTimeoutMs ?? 1000,
    log: (t) => logs.push(t),
    color: kleur,
    onAnswer: (_r, _reply, by) => answered.push(by),
  });
  return { h, logs, answered };
}
/** A request with the params the server really sends for it (VALID_PARAMS), or the ones given. */
const request = (method: string, params: unknown = (VALID_PARAMS as Record<string, unknown>)[method] ?? {}) => ({ id: 7, method, params });

describe('PluginHost', () => {
  test('asks plugins in order; undefined passes to the next; the first answer wins', async () => {
    const calls: string[] = [];
    const passer = definePlugin({ name: 'passer', handlers: { 'item/fileChange/requestApproval': () => { calls.push('passer'); return undefined; } } });
    const yes = definePlugin({ name: 'yes', handlers: { 'item/fileChange/requestApproval': () => { calls.push('yes'); return { decision: 'accept' }; } } });
    const no = definePlugin({ name: 'no', handlers: { 'item/fileChange/requestApproval': () => { calls.push('no'); return { decision: 'decline' }; } } });
    const { h, answered } = host([passer, yes, no]);
    expect(await h.answer(request('item/fileChange/requestApproval'))).toEqual({ result: { decision: 'accept' } });
    expect(calls).toEqual(['passer', 'yes']);
    expect(answered).toEqual(['yes']);
  });

  test('when nobody answers, each of the 11 methods gets its safe default, and unknown methods -32601', async () => {
    const { h, answered } = host([]);
    const replies: Record<string, unknown> = {};
    for (const method of SERVER_REQUEST_METHODS) replies[method] = await h.answer(request(method));
    expect(replies).toEqual({
      'item/commandExecution/requestApproval': { result: { decision: 'decline' } },
      'item/fileChange/requestApproval': { result: { decision: 'decline' } },
      'item/tool/requestUserInput': { result: { answers: {} } },
      'mcpServer/elicitation/request': { result: { action: 'decline', content: null } },
      'item/permissions/requestApproval': { result: { permissions: {}, scope: 'turn' } },
      'item/tool/call': { result: { success: false, contentItems: [{ type: 'inputText', text: expect.stringContaining('"lookup"') }] } },
      'account/chatgptAuthTokens/refresh': { error: { code: -32601, message: expect.any(String) } },
      'attestation/generate': { error: { code: -32601, message: expect.stringContaining('attestation-stub') } },
      'currentTime/read': { result: { currentTimeAt: expect.any(Number) } },
      applyPatchApproval: { result: { decision: { denied: { rejection: expect.any(String) } } } },
      execCommandApproval: { result: { decision: { denied: { rejection: expect.any(String) } } } },
    });
    expect(await h.answer(request('no/such'))).toEqual({ error: { code: -32601, message: expect.stringContaining('no/such') } });
    expect(answered.every((by) => by === 'default')).toBe(true);
  });

  test('a handler that throws gets the server -32603 and the user a line; the next request still works', async () => {
    const broken = definePlugin({ name: 'broken', handlers: { 'currentTime/read': () => { throw new Error('clock exploded'); } } });
    const { h, logs } = host([broken]);
    expect(await h.answer(request('currentTime/read'))).toEqual({ error: { code: -32603, message: 'plugin "broken" failed: clock exploded' } });
    expect(logs).toEqual(['plugin "broken" failed on currentTime/read: clock exploded']);
    expect(await h.answer(request('item/tool/requestUserInput'))).toEqual({ result: { answers: {} } });
  });

  test('a handler past its deadline is aborted and the default answers', async () => {
    let aborted = false;
    const slow = definePlugin({
      name: 'slow',
      handlerTimeoutMs: 20,
      handlers: {
        'item/commandExecution/requestApproval': (_p, ctx) =>
          new Promise((resolve) => {
            ctx.signal.addEventListener('abort', () => { aborted = true; });
            setTimeout(() => resolve({ decision: 'accept' }), 500);
          }),
      },
    });
    const later = definePlugin({ name: 'later', handlers: { 'item/commandExecution/requestApproval': () => ({ decision: 'accept' }) } });
    const { h, logs, answered } = host([slow, later]);
    expect(await h.answer(request('item/commandExecution/requestApproval'))).toEqual({ result: { decision: 'decline' } });
    expect(aborted).toBe(true);
    expect(answered).toEqual(['default']);
    expect(logs[0]).toMatch(/plugin "slow" did not answer item\/commandExecution\/requestApproval within 20 ms/);
  });

  test('capabilities merge: booleans OR-ed, lists joined without repeats', () => {
    const a = definePlugin({ name: 'a', capabilities: { requestAttestation: true, optOutNotificationMethods: ['x', 'y'] } });
    const b = definePlugin({ name: 'b', capabilities: { requestAttestation: false, optOutNotificationMethods: ['y', 'z'] } });
    const { h } = host([a, b]);
    expect(h.capabilities({ experimentalApi: true, optOutNotificationMethods: ['w'] })).toEqual({
      experimentalApi: true,
      requestAttestation: true,
      optOutNotificationMethods: ['w', 'x', 'y', 'z'],
    });
  });

  test('setup in order, dispose in reverse and only for what was set up, even when setup fails', async () => {
    const order: string[] = [];
    const make = (name: string, failSetup = false) =>
      definePlugin({
        name,
        setup: () => {
          order.push(`setup ${name}`);
          if (failSetup) throw new Error(`${name} cannot start`);
        },
        dispose: () => { order.push(`dispose ${name}`); },
      });
    const { h } = host([make('one'), make('two', true), make('three')]);
    await expect(h.setup()).rejects.toThrow('two cannot start');
    await h.dispose();
    await h.dispose();
    expect(order).toEqual(['setup one', 'setup two', 'dispose two', 'dispose one']);
  });

  test('an observer that throws is reported once and skipped afterwards; items are tracked for handlers', async () => {
    let seen = 0;
    const bad = definePlugin({ name: 'bad', onMessage: () => { seen++; throw new Error('observer bug'); } });
    let item: unknown;
    const reader = definePlugin({ name: 'reader', handlers: { 'item/fileChange/requestApproval': (p, ctx) => { item = ctx.item(p.itemId); return undefined; } } });
    const { h, logs } = host([bad, reader]);
    const note: TrafficEntry = { direction: 'in', kind: 'notification', line: '', at: 0, message: { method: 'item/started', params: { item: { id: 'i1', type: 'fileChange', changes: [{ path: 'a.txt' }] } } } };
    h.observe(note);
    h.observe(note);
    expect(seen).toBe(1);
    expect(logs).toEqual(['plugin "bad": onMessage failed, ignoring it from now on: observer bug']);
    await h.answer(request('item/fileChange/requestApproval', { ...(VALID_PARAMS['item/fileChange/requestApproval'] as object), itemId: 'i1' }));
    expect(item).toEqual({ id: 'i1', type: 'fileChange', changes: [{ path: 'a.txt' }] });
  });
});

describe('PluginHost: what reaches a handler and what leaves it is checked', () => {
  test.each([...SERVER_REQUEST_METHODS])('%s: each invalid result is logged with the plugin and the reason, counted, and the safe default goes', async (method) => {
    for (const { result, reason } of BAD_RESULTS[method]) {
      const wrong = definePlugin({ name: 'wrong', handlers: { [method]: () => result } });
      const { h, logs, answered } = host([wrong]);
      const expected = await host([]).h.answer(request(method));
      expect(await h.answer(request(method))).toEqual(stable(expected));
      expect(answered).toEqual(['default']);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toContain(`plugin "wrong" gave an invalid result for ${method} (id 7) (`);
      expect(logs[0].slice(logs[0].indexOf('(id 7) (') + 8)).toMatch(reason);
      expect(h.counts.invalidResults).toBe(1);
    }
  });

  test('results that cannot be sent as JSON: BigInt, a cycle, a throwing toJSON, a function, a symbol', async () => {
    const circular: Record<string, unknown> = { decision: 'accept' };
    circular.self = circular;
    const cases: [string, unknown, RegExp][] = [
      ['BigInt', { decision: 'accept', n: 10n }, /cannot be sent as JSON: .*BigInt/],
      ['cycle', circular, /cannot be sent as JSON: .*(circular|cyclic)/i],
      ['toJSON throws', { decision: 'accept', toJSON: () => { throw new Error('no JSON today'); } }, /cannot be sent as JSON: no JSON today/],
      ['function', () => ({ decision: 'accept' }), /cannot be sent as JSON: a function is not JSON/],
      ['symbol', Symbol('accept'), /cannot be sent as JSON: a symbol is not JSON/],
    ];
    for (const [name, result, reason] of cases) {
      const odd = definePlugin({ name: `odd-${name}`, handlers: { 'item/commandExecution/requestApproval': () => result as never } });
      const { h, logs } = host([odd]);
      expect(await h.answer(request('item/commandExecution/requestApproval')), name).toEqual({ result: { decision: 'decline' } });
      expect(logs, name).toEqual([expect.stringMatching(new RegExp(`^plugin "odd-${name}" gave an invalid result for item/commandExecution/requestApproval \\(id 7\\) \\(`))]);
      expect(logs[0], name).toMatch(reason);
    }
  });

  test('the reply is the JSON the plugin result stands for (toJSON honoured), copied: a later change by the plugin cannot reach it', async () => {
    const kept = { decision: 'accept' as const, note: { toJSON: () => 'as JSON' } };
    const later = definePlugin({ name: 'later', handlers: { 'item/fileChange/requestApproval': () => kept } });
    const { h } = host([later]);
    const reply = await h.answer(request('item/fileChange/requestApproval'));
    (kept as { decision: string }).decision = 'cancel';
    expect(reply).toEqual({ result: { decision: 'accept', note: 'as JSON' } });
  });

  test.each([...SERVER_REQUEST_METHODS])('%s: malformed params get the safe default without calling any handler', async (method) => {
    for (const params of MALFORMED_PARAMS[method]) {
      let called = false;
      const eager = definePlugin({ name: 'eager', handlers: { [method]: () => { called = true; return undefined; }, '*': () => { called = true; return undefined; } } });
      const { h, logs, answered } = host([eager]);
      const reply = await h.answer(request(method, params));
      expect(called).toBe(false);
      expect(answered).toEqual(['default']);
      expect(reply).toEqual(stable(await host([]).h.answer(request(method, params))));
      expect(logs).toEqual([expect.stringMatching(new RegExp(`^${method.replace(/\//g, '\\/')} \\(id 7\\) has malformed params \\(.+\\); sending the safe reply without asking the plugins$`))]);
      expect(h.counts.malformedParams).toBe(1);
    }
  });

  test('the built-in ask and policy get no malformed params: a legacy approval with null params gets the safe reply, not -32603', async () => {
    const ask = (await import('../../src/plugins/builtin/ask.ts')).default;
    const { h, logs } = host([ask]);
    expect(await h.answer(request('execCommandApproval', null))).toEqual({ result: { decision: { denied: { rejection: expect.any(String) } } } });
    expect(logs[0]).toMatch(/^execCommandApproval \(id 7\) has malformed params \(Invalid type: Expected Object but received null\)/);
  });

  test('each kind of failure is told once (by plugin and method); at the end, one line sums up what the checks replaced', async () => {
    const wrong = definePlugin({ name: 'wrong', handlers: { 'item/fileChange/requestApproval': () => null as never, 'currentTime/read': () => ({ currentTimeAt: 'now' }) as never } });
    const { h, logs } = host([wrong]);
    for (let i = 0; i < 3; i++) await h.answer(request('item/fileChange/requestApproval'));
    await h.answer(request('currentTime/read', { threadId: 't' }));
    await h.answer(request('currentTime/read', null));
    await h.answer(request('currentTime/read', { threadId: 1 }));
    await h.dispose();
    expect(logs).toEqual([
      expect.stringMatching(/^plugin "wrong" gave an invalid result for item\/fileChange\/requestApproval \(id 7\)/),
      expect.stringMatching(/^plugin "wrong" gave an invalid result for currentTime\/read \(id 7\) \(currentTimeAt: /),
      expect.stringMatching(/^currentTime\/read \(id 7\) has malformed params \(Invalid type: Expected Object but received null\)/),
      'the safe reply was sent instead for 4 invalid plugin results and 2 server requests with malformed params',
    ]);
  });
});

describe('PluginHost: methods named after Object.prototype members', () => {
  const names = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];

  test.each(names)('%s: no inherited member answers; the method is unknown (-32601) unless a "*" handler takes it', async (method) => {
    const approving = definePlugin({ name: 'approving', handlers: { 'item/commandExecution/requestApproval': () => ({ decision: 'accept' }) } });
    const { h, answered } = host([approving]);
    expect(await h.answer(request(method, {}))).toEqual({ error: { code: -32601, message: `codex-dbg does not know the server request ${method}` } });
    expect(answered).toEqual(['default']);

    const catchAll = definePlugin({ name: 'catch-all', handlers: { '*': (_params, ctx) => ({ seen: ctx.method }) } });
    expect(await host([approving, catchAll]).h.answer(request(method, {}))).toEqual({ result: { seen: method } });
  });
});

describe('PluginHost: setup and deadlines', () => {
  test('a plugin whose setup throws stops the start with E_PLUGIN (exit 2), naming it', async () => {
    const broken = definePlugin({ name: 'broken-setup', setup: () => { throw new Error('no config found'); } });
    const error = await host([broken]).h.setup().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DbgError);
    expect(error).toMatchObject({ code: 'E_PLUGIN', exitCode: 2, message: 'plugin "broken-setup": setup failed: no config found' });
  });

  test('deadlines of 2^31 ms and more, and Infinity, do not fire at once: the handler answers', async () => {
    for (const handlerTimeoutMs of [2 ** 31, 2 ** 40, Number.POSITIVE_INFINITY]) {
      const patient = definePlugin({
        name: 'patient',
        handlerTimeoutMs,
        handlers: { 'item/commandExecution/requestApproval': () => new Promise((resolve) => setTimeout(() => resolve({ decision: 'accept' }), 30)) },
      });
      const { h, logs } = host([patient]);
      expect(await h.answer(request('item/commandExecution/requestApproval')), String(handlerTimeoutMs)).toEqual({ result: { decision: 'accept' } });
      expect(logs).toEqual([]);
    }
  });

  test('params nested 100,000 levels deep in a field nobody checks: answered, nothing overflows', async () => {
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    const yes = definePlugin({ name: 'yes', handlers: { 'item/commandExecution/requestApproval': () => ({ decision: 'accept' }) } });
    const { h } = host([yes]);
    const params = { ...(VALID_PARAMS['item/commandExecution/requestApproval'] as object), extra: deep };
    expect(await h.answer(request('item/commandExecution/requestApproval', params))).toEqual({ result: { decision: 'accept' } });
  });
});

/** A reply with its time-dependent parts (currentTime/read) made comparable. */
function stable(reply: unknown): unknown {
  const time = (reply as { result?: { currentTimeAt?: unknown } }).result?.currentTimeAt;
  return typeof time === 'number' ? { result: { currentTimeAt: expect.any(Number) } } : reply;
}

import kleur from 'kleur';
import { describe, expect, test } from 'vitest';
import type { TrafficEntry } from '../../src/core/connection.ts';
import { PluginHost, type LoadedPlugin } from '../../src/plugins/host.ts';
import { definePlugin, type Plugin } from '../../src/plugins/contract.ts';
import { SERVER_REQUEST_METHODS } from '../../src/codex/protocol.ts';

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
const request = (method: string, params: unknown = {}) => ({ id: 7, method, params });

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
    for (const method of SERVER_REQUEST_METHODS) replies[method] = await h.answer(request(method, { tool: 'lookup' }));
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
    await h.answer(request('item/fileChange/requestApproval', { itemId: 'i1' }));
    expect(item).toEqual({ id: 'i1', type: 'fileChange', changes: [{ path: 'a.txt' }] });
  });
});

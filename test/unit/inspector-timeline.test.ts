// The inspector's model of a session: rows paired request ↔ reply with their latency, who answered each
// server request, queries (and their cache as rows arrive and facts change), the cap of a live session, the
// conversation tree, a recording read from disk, and the `ui` plugin in the plugin order with its deadline.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { traffic } from '../helpers/traffic.ts';
import { PluginHost } from '../../src/plugins/host.ts';
import type { Plugin } from '../../src/plugins/contract.ts';
import { LiveFeed } from '../../src/ui/live.ts';
import { uiPlugin } from '../../src/ui/plugin.ts';
import { parseQuery } from '../../src/ui/query.ts';
import { openRecording } from '../../src/ui/recording-feed.ts';
import { removeTempDirs, tempDir, waitFor } from '../helpers/world.ts';
import { plain } from '../helpers/colors.ts';

afterAll(removeTempDirs);

const find = (feed: LiveFeed, q: string) => feed.view.timeline.find(parseQuery({ q }));
const views = (feed: LiveFeed) => Array.from({ length: feed.view.timeline.count - feed.view.timeline.base }, (_, i) => feed.view.timeline.view(feed.view.timeline.base + i, false));

describe('timeline', () => {
  test('a client request and its reply are paired, with the latency on both', () => {
    const feed = new LiveFeed('t', false);
    feed.message(traffic('out', { id: 1, method: 'thread/start', params: {} }));
    feed.message(traffic('in', { method: 'thread/started', params: { thread: { id: 'th-1' } } }));
    feed.message(traffic('in', { id: 1, result: { thread: { id: 'th-1' } } }));
    feed.message(traffic('out', { id: 2, method: 'thread/read', params: { threadId: 'th-1' } }));
    feed.message(traffic('in', { id: 2, error: { code: -32600, message: 'nope' } }));
    const [request, , reply, failing, error] = views(feed);
    expect(request).toMatchObject({ kind: 'request', method: 'thread/start', status: 'ok', pair: 2, error: false });
    expect(reply).toMatchObject({ kind: 'response', method: 'thread/start', thread: 'th-1', pair: 0 });
    expect(reply.dur).toBe(request.dur);
    expect(failing).toMatchObject({ status: 'error', error: true, pair: 4 });
    expect(error).toMatchObject({ kind: 'error', method: 'thread/read', error: true });
  });

  test('a server request learns who answered it: a plugin, or another client', () => {
    const feed = new LiveFeed('t', false);
    feed.message(traffic('in', { id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 'th' } }));
    feed.event('answered', { id: 0, method: 'item/commandExecution/requestApproval', by: 'auto-approve' });
    feed.message(traffic('out', { id: 0, result: { decision: 'accept' } }));
    feed.message(traffic('in', { id: 1, method: 'item/fileChange/requestApproval', params: { threadId: 'th' } }));
    feed.message(traffic('in', { method: 'serverRequest/resolved', params: { threadId: 'th', requestId: 1 } }));
    const rows = views(feed);
    expect(rows[0]).toMatchObject({ by: 'auto-approve', status: 'ok', pair: 2 });
    expect(rows[2]).toMatchObject({ by: 'auto-approve', kind: 'response', method: 'item/commandExecution/requestApproval' });
    expect(rows[3]).toMatchObject({ by: 'another client', status: 'resolved' });
  });

  test('queries: tokens, filters, and a cached result that follows new rows and changed facts', async () => {
    const feed = new LiveFeed('t', false);
    feed.message(traffic('out', { id: 1, method: 'thread/list', params: {} }));
    feed.stderr('\u001b[31mERROR\u001b[0m codex_core: the model said no');
    expect(await find(feed, 'status:pending')).toEqual([0]);
    expect(await find(feed, 'status:ok')).toEqual([]);
    feed.message(traffic('in', { id: 1, result: { data: [] } }));
    feed.message(traffic('in', { method: 'turn/completed', params: { threadId: 'abc-123', turn: { id: 'u', status: 'failed', durationMs: 1500 } } }));
    // The cached queries see the reply that came since, and the request's new status.
    expect(await find(feed, 'status:pending')).toEqual([]);
    expect(await find(feed, 'status:ok')).toEqual([0, 2]);
    expect(await find(feed, 'method:turn/ thread:abc')).toEqual([3]);
    expect(await find(feed, 'dur>1s')).toEqual([3]);
    expect(await find(feed, 'dur<1000 dir:out')).toEqual([0]);
    expect(await find(feed, 'id:1 kind:reply')).toEqual([2]);
    expect(await find(feed, 'is:error')).toEqual([1, 3]);
    expect(await find(feed, '"the model said"')).toEqual([1]);
    expect(await feed.view.timeline.find(parseQuery({ kind: 'stderr', errors: '1' }))).toEqual([1]);
    expect(await feed.view.timeline.find(parseQuery({ method: 'thread/list', dir: 'in' }))).toEqual([2]);
  });

  test('a live session keeps at most about its cap of rows, dropping the oldest whole chunks', async () => {
    const feed = new LiveFeed('t', false, 70_000);
    for (let i = 0; i < 140_000; i++) feed.message(traffic('in', { method: 'item/agentMessage/delta', params: { delta: `d${i}` } }));
    const timeline = feed.view.timeline;
    expect(timeline.count).toBe(140_000);
    expect(timeline.base).toBe(65_536);
    expect(timeline.count - timeline.base).toBeLessThanOrEqual(70_000 + 65_536);
    expect(JSON.parse(timeline.view(timeline.base, false).preview).delta).toBe(`d${timeline.base}`);
    const matching = (await find(feed, 'd139999')) ?? [];
    expect(matching).toEqual([139_999]);
  });
});

describe('conversation tree', () => {
  test('threads, turns and items, with streamed text and command output', () => {
    const feed = new LiveFeed('t', false);
    const note = (method: string, params: object) => feed.message(traffic('in', { method, params }));
    note('thread/started', { thread: { id: 'th' } });
    note('turn/started', { threadId: 'th', turn: { id: 'u1', status: 'inProgress' } });
    note('item/started', { threadId: 'th', turnId: 'u1', item: { id: 'c1', type: 'commandExecution', command: 'ls', status: 'inProgress' } });
    note('item/commandExecution/outputDelta', { threadId: 'th', turnId: 'u1', itemId: 'c1', delta: 'a.txt\n' });
    note('item/completed', { threadId: 'th', turnId: 'u1', item: { id: 'c1', type: 'commandExecution', command: 'ls', status: 'completed', exitCode: 0, aggregatedOutput: 'a.txt\n' } });
    note('item/started', { threadId: 'th', turnId: 'u1', item: { id: 'm1', type: 'agentMessage', text: '' } });
    note('item/agentMessage/delta', { threadId: 'th', turnId: 'u1', itemId: 'm1', delta: 'Hel' });
    const streaming = feed.view.conversation.snapshot();
    expect(streaming.threads[0].turns[0].items[1].text).toBe('Hel');
    note('item/agentMessage/delta', { threadId: 'th', turnId: 'u1', itemId: 'm1', delta: 'lo' });
    note('turn/completed', { threadId: 'th', turn: { id: 'u1', status: 'completed', durationMs: 42 } });
    const { threads } = feed.view.conversation.snapshot();
    expect(threads).toHaveLength(1);
    const [turn] = threads[0].turns;
    expect(turn).toMatchObject({ id: 'u1', status: 'completed', durationMs: 42 });
    expect(turn.items.map((item) => [item.type, item.status, item.text])).toEqual([
      ['commandExecution', 'completed', 'a.txt\n'],
      ['agentMessage', undefined, 'Hello'],
    ]);
    expect(turn.items[0].item.exitCode).toBe(0);
  });
});

describe('recording feed', () => {
  test('reads every line into rows, keeps their place in the file, and reports lines it cannot read', async () => {
    const path = join(tempDir('inspector-rec'), 'r.jsonl');
    const lines = [
      { type: 'header', format: 'codex-dbg-recording', version: 1, startedAt: '2026-01-01T00:00:00Z', codexDbg: 'x', redacted: true },
      { t: 1, type: 'event', event: 'spawn', bin: 'codex' },
      { t: 2, type: 'message', dir: 'out', message: { id: 1, method: 'initialize', params: { clientInfo: { name: 'é' } } } },
      { t: 5, type: 'stderr', line: 'WARN something' },
      { t: 9, type: 'message', dir: 'in', message: { id: 1, result: { userAgent: 'codex' } } },
    ].map((line) => JSON.stringify(line));
    writeFileSync(path, `${lines.join('\n')}\nnot json\n{"t":10,"type":"mess`);
    const recording = await openRecording(path, false);
    await recording.done;
    const { timeline } = recording.view;
    // Lines that are not recording lines stay as rows of their own, so row numbers follow the file.
    expect(timeline.count).toBe(6);
    expect(recording.view.endedWith).toBe('2 lines skipped (not a recording line)');
    expect([4, 5].map((row) => timeline.view(row, false))).toMatchObject([
      { kind: 'event', method: 'unreadable', error: true, preview: expect.stringContaining('not json') },
      { kind: 'event', method: 'unreadable', error: true },
    ]);
    const request = timeline.view(1, false);
    expect(request).toMatchObject({ method: 'initialize', dir: 'out', dur: 7, pair: 3, size: JSON.stringify({ id: 1, method: 'initialize', params: { clientInfo: { name: 'é' } } }).length + 1 });
    expect(timeline.record(1, false)).toEqual(JSON.parse(lines[2]));
    expect(await timeline.find(parseQuery({ q: 'codex' }))).toEqual([0, 3]);
    recording.close();
  });

  test('every line can be shown as soon as its place is known, before it is read', async () => {
    const path = join(tempDir('inspector-rec'), 'r.jsonl');
    const header = { type: 'header', format: 'codex-dbg-recording', version: 1, startedAt: '2026-01-01T00:00:00Z', codexDbg: 'x', redacted: true };
    const body = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ t: i, type: 'message', dir: 'in', message: { method: 'item/agentMessage/delta', params: { delta: `d${i}` } } }));
    writeFileSync(path, `${JSON.stringify(header)}\n${body.join('\n')}\n`);
    const recording = await openRecording(path, false);
    const { timeline } = recording.view;
    await waitFor('every line to be found', () => (timeline.known === 50_000 ? true : undefined));
    expect(timeline.count).toBeLessThan(50_000); // still reading
    const last = timeline.view(49_999, false);
    expect(last).toMatchObject({ n: 49_999, t: 49_999, kind: 'notification', method: 'item/agentMessage/delta', dir: 'in' });
    expect(last.preview).toContain('d49999');
    await recording.done;
    expect(timeline.view(49_999, false)).toMatchObject({ n: 49_999, method: 'item/agentMessage/delta' });
    recording.close();
  });

  test('refuses a file that is not a recording', async () => {
    const path = join(tempDir('inspector-rec'), 'x.jsonl');
    writeFileSync(path, '{"hello":1}\n');
    await expect(openRecording(path, false)).rejects.toThrow(/not a codex-dbg recording/);
  });
});

describe('the ui plugin', () => {
  const request = { id: 3, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'i', startedAtMs: 0, command: 'rm -rf x' } };
  const host = (plugins: Plugin[], handlerTimeoutMs: number) =>
    new PluginHost(plugins.map((plugin) => ({ plugin, options: {} })), undefined, { handlerTimeoutMs, log: () => {}, color: plain });

  test('answers with what the page sends, in its place in the plugin order', async () => {
    const feed = new LiveFeed('t', false);
    const ui = uiPlugin(feed, 10_000)({});
    const answering = host([ui], 10_000).answerWithSource(request);
    const [pending] = await waitFor('the request to reach the page', () => (feed.pending().length ? feed.pending() : undefined));
    expect(pending).toMatchObject({ id: 3, method: request.method, suggestion: { decision: 'decline' } });
    expect(pending.deadline).toBeGreaterThan(pending.at);
    feed.answer(3, { decision: 'accept' });
    await expect(answering).resolves.toEqual({ reply: { result: { decision: 'accept' } }, by: 'ui' });

    // A plugin before it answers first; the page never sees the request.
    const first: Plugin = { name: 'first', handlers: { 'item/commandExecution/requestApproval': () => ({ decision: 'decline' }) } };
    await expect(host([first, ui], 10_000).answerWithSource(request)).resolves.toMatchObject({ by: 'first' });
    expect(feed.pending()).toEqual([]);
  });

  test('nobody clicks before the deadline: the safe default answers and the card goes away', async () => {
    const feed = new LiveFeed('t', false);
    const ui = uiPlugin(feed, 10_000)({ timeout: 150 });
    expect(ui.handlerTimeoutMs).toBe(150);
    const answered = await host([ui], 10_000).answerWithSource(request);
    expect(answered).toEqual({ reply: { result: { decision: 'decline' } }, by: 'default' });
    expect(feed.pending()).toEqual([]);
    expect(feed.answer(3, { decision: 'accept' })).toBe(false);
  });

  test('leaves machine questions (attestation, the time) to other plugins', () => {
    const ui = uiPlugin(new LiveFeed('t', false), 10_000)({});
    expect(Object.keys(ui.handlers ?? {})).not.toContain('attestation/generate');
    expect(Object.keys(ui.handlers ?? {})).not.toContain('currentTime/read');
    expect(Object.keys(ui.handlers ?? {})).toContain('item/tool/requestUserInput');
  });
});

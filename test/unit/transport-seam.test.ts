// The seam between the core and a transport: the whole client (connection, session, plugins, formatter)
// driven through a turn with a command approval over an in-memory transport, with no process at all.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { connect } from '../../src/cli/connect.ts';
import { Output } from '../../src/cli/output.ts';
import { PluginHost } from '../../src/plugins/host.ts';
import autoApprove from '../../src/plugins/builtin/auto-approve.ts';
import jsonl from '../../src/plugins/builtin/format-jsonl.ts';
import { plain } from '../helpers/colors.ts';
import { MemoryTransport } from '../helpers/memory-transport.ts';

const THREAD = 'thread-1';
const TURN = 'turn-1';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk) => {
    text += chunk;
  });
  return () => text;
}

describe('a client over an in-memory transport', () => {
  test('handshake, thread, a turn whose command approval auto-approve answers, turn/completed', async () => {
    const far = new MemoryTransport();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const printed = collect(stdout);
    const output = new Output(stdout, stderr);
    const host = new PluginHost([{ plugin: autoApprove, options: { session: false } }], { plugin: jsonl, options: {} }, {
      handlerTimeoutMs: 1000,
      color: plain,
      log: () => {},
    });

    const connecting = connect({
      transport: far,
      host,
      output,
      requestTimeoutMs: 2000,
      clientInfo: { name: 'test', title: null, version: '0' },
      capabilities: { experimentalApi: true },
      threadParams: { approvalPolicy: 'untrusted' },
    });
    const initialize = await far.nextRequest('initialize');
    expect(initialize.params).toEqual({ clientInfo: { name: 'test', title: null, version: '0' }, capabilities: { experimentalApi: true } });
    far.deliver({ id: initialize.id, result: { userAgent: 'memory/0' } });
    const { session } = await connecting;
    expect(await far.next((m) => m.method === 'initialized')).toEqual({ method: 'initialized' });

    const starting = session.startThread();
    const threadStart = await far.nextRequest('thread/start');
    expect(threadStart.params).toEqual({ approvalPolicy: 'untrusted' });
    far.deliver({ id: threadStart.id, result: { thread: { id: THREAD } } });
    expect(await starting).toBe(THREAD);

    const turning = session.startTurn('touch marker');
    const turnStart = await far.nextRequest('turn/start');
    expect(turnStart.params).toEqual({ threadId: THREAD, input: [{ type: 'text', text: 'touch marker', text_elements: [] }] });
    far.deliver({ id: turnStart.id, result: { turn: { id: TURN, status: 'inProgress', items: [] } } });
    const turn = await turning;

    far.deliver({ method: 'turn/started', params: { threadId: THREAD, turn: { id: TURN } }, emittedAtMs: 1 });
    far.deliver({ id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: THREAD, turnId: TURN, itemId: 'call_1', command: 'touch marker', startedAtMs: 1 } });
    expect(await far.replyTo(0)).toEqual({ id: 0, result: { decision: 'accept' } });
    far.deliver({ method: 'serverRequest/resolved', params: { threadId: THREAD, requestId: 0 } });
    far.deliver({ method: 'turn/completed', params: { threadId: THREAD, turn: { id: TURN, status: 'completed', items: [] } } });
    expect(await turn.done).toMatchObject({ id: TURN, status: 'completed' });
    expect(session.running).toBeUndefined();

    await output.end();
    const lines = printed().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => `${l.dir} ${l.kind} ${l.message.method ?? l.message.id}`)).toEqual([
      'out request initialize',
      'in response 1',
      'out notification initialized',
      'out request thread/start',
      'in response 2',
      'out request turn/start',
      'in response 3',
      'in notification turn/started',
      'in request item/commandExecution/requestApproval',
      'out response 0',
      'in notification serverRequest/resolved',
      'in notification turn/completed',
    ]);
    const closed = await far.close();
    expect(closed.reason).toBe('stopped');
  });

  test('the transport ending mid-turn rejects what is pending with its own words', async () => {
    const far = new MemoryTransport();
    const output = new Output(new PassThrough(), new PassThrough());
    const host = new PluginHost([], undefined, { handlerTimeoutMs: 1000, color: plain, log: () => {} });
    const connecting = connect({ transport: far, host, output, requestTimeoutMs: 2000, clientInfo: { name: 't', title: null, version: '0' }, capabilities: {}, threadParams: {} });
    far.deliver({ id: (await far.nextRequest('initialize')).id, result: {} });
    const { session } = await connecting;
    const starting = session.startThread().catch((error) => error);
    await far.nextRequest('thread/start');
    far.end({ reason: 'closed', message: 'the in-memory server hung up', details: [], facts: {} });
    expect(await starting).toMatchObject({ code: 'E_CLOSED', message: 'the in-memory server hung up while waiting for a reply to thread/start' });
  });
});

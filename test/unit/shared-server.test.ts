// A client among several on one server, over in-memory transports: --observe answers nothing and says who
// answered; a request another client answered first is shown as such; --reconnect opens a new transport,
// initializes it, resumes the thread, settles a turn that ended meanwhile, and gives up after its attempts.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { connect, type ReconnectPolicy } from '../../src/cli/connect.ts';
import { Output } from '../../src/cli/output.ts';
import { DbgError } from '../../src/core/errors.ts';
import type { CloseInfo, Transport } from '../../src/core/transport.ts';
import { definePlugin } from '../../src/plugins/contract.ts';
import { PluginHost, type LoadedPlugin } from '../../src/plugins/host.ts';
import { plain } from '../helpers/colors.ts';
import { MemoryTransport } from '../helpers/memory-transport.ts';

const THREAD = 'thread-1';
const DROPPED: CloseInfo = { reason: 'closed', message: 'the connection to memory closed with code 1006', details: [], facts: { code: 1006 } };

function setup(plugins: LoadedPlugin[] = [], extra: { observe?: boolean; reconnect?: ReconnectPolicy } = {}) {
  const far = new MemoryTransport();
  const stderr = new PassThrough();
  let said = '';
  stderr.on('data', (chunk) => {
    said += chunk;
  });
  const output = new Output(new PassThrough(), stderr);
  const host = new PluginHost(plugins, undefined, { handlerTimeoutMs: 5000, color: plain, log: () => {} });
  const connecting = connect({
    transport: far,
    host,
    output,
    requestTimeoutMs: 2000,
    clientInfo: { name: 'test', title: null, version: '0' },
    capabilities: {},
    threadParams: { approvalPolicy: 'untrusted' },
    ...extra,
  });
  return { far, connecting, stderr: () => said };
}

/** Answers initialize on `far`, as a server would. */
async function initialize(far: MemoryTransport) {
  const request = await far.nextRequest('initialize');
  far.deliver({ id: request.id, result: { userAgent: 'memory/0' } });
}

const approval = (id: number) => ({ id, method: 'item/commandExecution/requestApproval', params: { threadId: THREAD, turnId: 't', itemId: 'call_1', startedAtMs: 0, command: 'ls' } });

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('several clients on one server', () => {
  test('--observe: the request is never answered; the resolution and the winning answer are said', async () => {
    const { far, connecting, stderr } = setup([], { observe: true });
    await initialize(far);
    await connecting;
    far.deliver(approval(7));
    far.deliver({ method: 'serverRequest/resolved', params: { threadId: THREAD, requestId: 7 } });
    far.deliver({ method: 'item/completed', params: { threadId: THREAD, item: { id: 'call_1', type: 'commandExecution', status: 'declined' } } });
    await until(() => stderr().includes('the answer that won'), 'the verdict');
    expect(stderr()).toBe(
      [
        'codex-dbg: server request 7 item/commandExecution/requestApproval: observing (--observe), another client answers it',
        'codex-dbg: server request 7 (item/commandExecution/requestApproval) was answered by another client',
        'codex-dbg: the answer that won server request 7: the other client declined it',
        '',
      ].join('\n'),
    );
    expect(far.sent.filter((message) => message.id === 7)).toEqual([]);
  });

  test('a request another client answered before our plugin did is shown as such, not as an error', async () => {
    let release: (value: { decision: 'accept' }) => void = () => {};
    let asked = 0;
    const slow = definePlugin({
      name: 'slow',
      handlers: {
        'item/commandExecution/requestApproval': () =>
          new Promise<{ decision: 'accept' }>((resolve) => {
            asked++;
            release = resolve;
          }),
      },
    });
    const { far, connecting, stderr } = setup([{ plugin: slow, options: {} }]);
    await initialize(far);
    await connecting;
    far.deliver(approval(3));
    far.deliver({ method: 'serverRequest/resolved', params: { threadId: THREAD, requestId: 3 } });
    await until(() => stderr().length > 0, 'the line');
    expect(stderr()).toBe('codex-dbg: server request 3 (item/commandExecution/requestApproval) was answered by another client first; ours is not sent\n');
    // The plugin's late answer is withheld: the server has withdrawn the request.
    release({ decision: 'accept' });
    far.deliver(approval(4));
    await until(() => asked === 2, 'the plugin asked again');
    release({ decision: 'accept' });
    expect(await far.replyTo(4)).toEqual({ id: 4, result: { decision: 'accept' } });
    expect(far.sent.filter((message) => message.id === 3)).toEqual([]);
  });

  test('a request we answered first says nothing more when it is resolved', async () => {
    const quick = definePlugin({ name: 'quick', handlers: { 'item/commandExecution/requestApproval': () => ({ decision: 'accept' }) } });
    const { far, connecting, stderr } = setup([{ plugin: quick, options: {} }]);
    await initialize(far);
    await connecting;
    far.deliver(approval(4));
    await far.replyTo(4);
    far.deliver({ method: 'serverRequest/resolved', params: { threadId: THREAD, requestId: 4 } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stderr()).toBe('');
  });
});

/** A transport that cannot be opened: the server is still down. */
class Unreachable implements Transport {
  readonly peer = 'memory';
  start(): Promise<void> {
    return Promise.reject(new DbgError('E_CONNECT', 'nothing listens there'));
  }
  send(): Promise<void> {
    return Promise.reject(new Error('closed'));
  }
  pause(): void {}
  resume(): void {}
  close(): Promise<CloseInfo> {
    return Promise.resolve({ reason: 'stopped', message: 'never opened', details: [], facts: {} });
  }
}

describe('--reconnect', () => {
  test('a dropped connection: opened again, initialized, the thread resumed, a turn that ended meanwhile settled', async () => {
    const opened: Transport[] = [new Unreachable()];
    const second = new MemoryTransport();
    opened.push(second);
    const policy: ReconnectPolicy = { open: () => opened.shift() as Transport, attempts: 3, firstDelayMs: 1, maxDelayMs: 5 };
    const { far, connecting, stderr } = setup([], { reconnect: policy });
    await initialize(far);
    const live = await connecting;
    const starting = live.session.startThread();
    far.deliver({ id: (await far.nextRequest('thread/start')).id, result: { thread: { id: THREAD } } });
    await starting;
    const turning = live.session.startTurn('go');
    far.deliver({ id: (await far.nextRequest('turn/start')).id, result: { turn: { id: 'turn-1', status: 'inProgress' } } });
    const turn = await turning;

    far.end(DROPPED);
    expect(live.reconnecting).toBe(true);
    await initialize(second);
    const resume = await second.nextRequest('thread/resume');
    expect(resume.params).toEqual({ threadId: THREAD, excludeTurns: true });
    second.deliver({ id: resume.id, result: { thread: { id: THREAD, status: { type: 'idle' } } } });
    const turns = await second.nextRequest('thread/turns/list');
    second.deliver({ id: turns.id, result: { data: [{ id: 'turn-1', status: 'completed' }], nextCursor: null } });
    expect((await turn.done).status).toBe('completed');
    expect(live.connection.transport).toBe(second);
    expect(stderr()).toBe(
      [
        'codex-dbg: the connection to memory closed with code 1006; reconnecting in 0.0 s (attempt 1 of 3)',
        'codex-dbg: reconnecting in 0.0 s (attempt 2 of 3) after: nothing listens there',
        'codex-dbg: reconnected to an in-memory server (attempt 2)',
        'codex-dbg: resumed thread thread-1 (idle); turn turn-1 ended while the connection was down (completed)',
        '',
      ].join('\n'),
    );
    await live.close();
    expect((await live.closed).reason).toBe('stopped');
  });

  test('bounded: after its attempts it gives up, and the session is over', async () => {
    const policy: ReconnectPolicy = { open: () => new Unreachable(), attempts: 2, firstDelayMs: 1, maxDelayMs: 2 };
    const { far, connecting } = setup([], { reconnect: policy });
    await initialize(far);
    const live = await connecting;
    far.end(DROPPED);
    const info = await live.closed;
    expect(info.message).toBe('the connection to memory closed with code 1006; gave up reconnecting after 2 attempts');
    expect(live.reconnecting).toBe(false);
  });

  test('without --reconnect a drop ends the session at once', async () => {
    const { far, connecting } = setup();
    await initialize(far);
    const live = await connecting;
    expect(live.reconnecting).toBe(false);
    far.end(DROPPED);
    expect(await live.closed).toBe(DROPPED);
  });
});

import { describe, expect, test } from 'vitest';
import { Connection, type ConnectionOptions } from '../../src/core/connection.ts';
import { DbgError, RpcError } from '../../src/core/errors.ts';
import type { ExitInfo, LineChannel } from '../../src/transports/stdio.ts';

/** A channel whose far side is the test. */
function fakeChannel() {
  const written: any[] = [];
  let onLine: (line: string) => void = () => {};
  let onClose: (info: ExitInfo) => void = () => {};
  const channel: LineChannel = {
    onLine: (l) => {
      onLine = l;
    },
    onClose: (c) => {
      onClose = c;
    },
    write: async (line) => {
      written.push(JSON.parse(line));
    },
  };
  return { channel, written, send: (m: unknown) => onLine(JSON.stringify(m)), close: (info: ExitInfo) => onClose(info) };
}

function connect(options: Partial<ConnectionOptions> = {}) {
  const far = fakeChannel();
  const problems: string[] = [];
  const connection = new Connection(far.channel, {
    requestTimeoutMs: 1000,
    overloadBaseDelayMs: 1,
    onServerRequest: async () => ({ result: {} }),
    onProblem: (text) => problems.push(text),
    ...options,
  });
  return { connection, far, problems };
}
const failure = (promise: Promise<unknown>): Promise<any> => promise.catch((error) => error);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('Connection', () => {
  test('integer ids from 1, results matched by id whatever the order', async () => {
    const { connection, far } = connect();
    const a = connection.request('a', {});
    const b = connection.request('b');
    await tick();
    expect(far.written).toEqual([{ id: 1, method: 'a', params: {} }, { id: 2, method: 'b' }]);
    far.send({ id: 2, result: 'B' });
    far.send({ id: 1, result: 'A' });
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
  });

  test('an error reply becomes an RpcError with code, message and data', async () => {
    const { connection, far } = connect();
    const pending = connection.request('thread/start', {});
    far.send({ id: 1, error: { code: -32600, message: 'Not initialized', data: { x: 1 } } });
    const error = await failure(pending);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ rpcCode: -32600, serverMessage: 'Not initialized', data: { x: 1 }, method: 'thread/start', code: 'E_RPC' });
  });

  test('-32001 overloaded is retried with a new id, then succeeds', async () => {
    const { connection, far, problems } = connect();
    const pending = connection.request('turn/start', {});
    far.send({ id: 1, error: { code: -32001, message: 'Server overloaded; retry later.' } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(far.written.map((m) => m.id)).toEqual([1, 2]);
    far.send({ id: 2, result: { ok: true } });
    expect(await pending).toEqual({ ok: true });
    expect(problems[0]).toMatch(/overloaded, retry 1 of 4/);
  });

  test('overloaded too often gives up with the error', async () => {
    const { connection, far } = connect({ overloadRetries: 2 });
    const pending = failure(connection.request('x'));
    for (let id = 1; id <= 3; id++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      far.send({ id, error: { code: -32001, message: 'busy' } });
    }
    expect((await pending).rpcCode).toBe(-32001);
  });

  test('a request with no reply times out with E_TIMEOUT; a late reply is reported, not thrown', async () => {
    const { connection, far, problems } = connect({ requestTimeoutMs: 20 });
    const error = await failure(connection.request('unknown/method'));
    expect(error).toBeInstanceOf(DbgError);
    expect(error.code).toBe('E_TIMEOUT');
    far.send({ id: 1, result: {} });
    far.send({ id: 99, result: {} });
    expect(problems).toEqual(['late reply to unknown/method (id 1) after it timed out', 'reply to unknown request id 99']);
  });

  test('when the server exits, every pending request is rejected with the exit and its stderr tail', async () => {
    const { connection, far } = connect();
    const a = failure(connection.request('a'));
    const b = failure(connection.request('b'));
    far.close({ code: null, signal: 'SIGKILL', stderrTail: ['line 1', 'panic: boom'] });
    for (const error of [await a, await b]) {
      expect(error.code).toBe('E_SERVER_EXITED');
      expect(error.message).toMatch(/was killed by SIGKILL while waiting for a reply to [ab]/);
      expect(error.details).toEqual(['line 1', 'panic: boom']);
    }
    expect((await failure(connection.request('c'))).code).toBe('E_SERVER_EXITED');
  });

  test('a server request is answered exactly once; a handler that throws becomes -32603', async () => {
    const { far } = connect({
      onServerRequest: async (request) => {
        if (request.method === 'boom') throw new Error('handler broke');
        return { result: { decision: 'decline' } };
      },
    });
    far.send({ id: 0, method: 'item/commandExecution/requestApproval', params: {} });
    far.send({ id: 1, method: 'boom', params: {} });
    await tick();
    expect(far.written).toEqual([
      { id: 0, result: { decision: 'decline' } },
      { id: 1, error: { code: -32603, message: 'handler broke' } },
    ]);
  });

  test('traffic is observed in both directions with the raw line', async () => {
    const seen: string[] = [];
    const { connection, far } = connect({ onTraffic: (e) => seen.push(`${e.direction} ${e.kind} ${e.line}`) });
    const pending = connection.request('a');
    far.send({ id: 1, result: 1, emittedAtMs: 5 });
    await pending;
    expect(seen).toEqual(['out request {"id":1,"method":"a"}', 'in response {"id":1,"result":1,"emittedAtMs":5}']);
  });
});

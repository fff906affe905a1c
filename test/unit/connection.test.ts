import { describe, expect, test } from 'vitest';
import { Connection, type ConnectionOptions } from '../../src/core/connection.ts';
import { DbgError, RpcError } from '../../src/core/errors.ts';
import { MemoryTransport } from '../helpers/memory-transport.ts';

async function connect(options: Partial<ConnectionOptions> = {}) {
  const far = new MemoryTransport();
  const problems: string[] = [];
  const connection = new Connection(far, {
    requestTimeoutMs: 1000,
    overloadBaseDelayMs: 1,
    onServerRequest: async () => ({ result: {} }),
    onProblem: (text) => problems.push(text),
    ...options,
  });
  await connection.start();
  return { connection, far, problems };
}
const failure = (promise: Promise<unknown>): Promise<any> => promise.catch((error) => error);

describe('Connection', () => {
  test('integer ids from 1, results matched by id whatever the order', async () => {
    const { connection, far } = await connect();
    const a = connection.request('a', {});
    const b = connection.request('b');
    await far.nextRequest('b');
    expect(far.sent).toEqual([{ id: 1, method: 'a', params: {} }, { id: 2, method: 'b' }]);
    far.deliver({ id: 2, result: 'B' });
    far.deliver({ id: 1, result: 'A' });
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
  });

  test('an error reply becomes an RpcError with code, message and data', async () => {
    const { connection, far } = await connect();
    const pending = connection.request('thread/start', {});
    far.deliver({ id: 1, error: { code: -32600, message: 'Not initialized', data: { x: 1 } } });
    const error = await failure(pending);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ rpcCode: -32600, serverMessage: 'Not initialized', data: { x: 1 }, method: 'thread/start', code: 'E_RPC' });
  });

  test('-32001 overloaded is retried with a new id, then succeeds', async () => {
    const { connection, far, problems } = await connect();
    const pending = connection.request('turn/start', {});
    expect((await far.nextRequest('turn/start')).id).toBe(1);
    far.deliver({ id: 1, error: { code: -32001, message: 'Server overloaded; retry later.' } });
    const retry = await far.nextRequest('turn/start');
    expect(retry.id).toBe(2);
    far.deliver({ id: 2, result: { ok: true } });
    expect(await pending).toEqual({ ok: true });
    expect(problems[0]).toMatch(/overloaded, retry 1 of 4/);
  });

  test('overloaded too often gives up with the error', async () => {
    const { connection, far } = await connect({ overloadRetries: 2 });
    const pending = failure(connection.request('x'));
    for (let id = 1; id <= 3; id++) {
      expect((await far.nextRequest('x')).id).toBe(id);
      far.deliver({ id, error: { code: -32001, message: 'busy' } });
    }
    expect((await pending).rpcCode).toBe(-32001);
    expect(far.sent.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  test('a request with no reply times out with E_TIMEOUT; a late reply is reported, not thrown', async () => {
    const { connection, far, problems } = await connect({ requestTimeoutMs: 20 });
    const error = await failure(connection.request('unknown/method'));
    expect(error).toBeInstanceOf(DbgError);
    expect(error.code).toBe('E_TIMEOUT');
    far.deliver({ id: 1, result: {} });
    far.deliver({ id: 99, result: {} });
    expect(problems).toEqual(['late reply to unknown/method (id 1) after it timed out', 'reply to unknown request id 99']);
  });

  test('when the server exits, every pending request is rejected with how it ended and its diagnosis', async () => {
    const { connection, far } = await connect();
    const a = failure(connection.request('a'));
    const b = failure(connection.request('b'));
    const details = ["last lines of the server's stderr:", '  panic: boom'];
    far.end({ reason: 'exited', message: 'codex app-server was killed by SIGKILL', details, facts: { signal: 'SIGKILL' } });
    for (const error of [await a, await b]) {
      expect(error.code).toBe('E_SERVER_EXITED');
      expect(error.message).toMatch(/was killed by SIGKILL while waiting for a reply to [ab]/);
      expect(error.details).toEqual(details);
    }
    expect((await failure(connection.request('c'))).code).toBe('E_SERVER_EXITED');
    expect(await connection.closed).toMatchObject({ reason: 'exited' });
  });

  test('a connection that the other end closes rejects with E_CLOSED and its message', async () => {
    const { connection, far } = await connect();
    const pending = failure(connection.request('a'));
    far.end({ reason: 'closed', message: 'ws://127.0.0.1:1 closed the connection (1006)', details: [], facts: { code: 1006 } });
    expect(await pending).toMatchObject({ code: 'E_CLOSED', message: 'ws://127.0.0.1:1 closed the connection (1006) while waiting for a reply to a' });
  });

  test('a server request is answered exactly once; a handler that throws becomes -32603', async () => {
    const { far } = await connect({
      onServerRequest: async (request) => {
        if (request.method === 'boom') throw new Error('handler broke');
        return { result: { decision: 'decline' } };
      },
    });
    far.deliver({ id: 0, method: 'item/commandExecution/requestApproval', params: {} });
    far.deliver({ id: 1, method: 'boom', params: {} });
    expect(await far.replyTo(0)).toEqual({ id: 0, result: { decision: 'decline' } });
    expect(await far.replyTo(1)).toEqual({ id: 1, error: { code: -32603, message: 'handler broke' } });
    expect(far.sent).toHaveLength(2);
  });

  test('traffic is observed in both directions with the text as it crossed the transport', async () => {
    const seen: string[] = [];
    const { connection, far } = await connect({ onTraffic: (e) => seen.push(`${e.direction} ${e.kind} ${e.line}`) });
    const pending = connection.request('a');
    far.deliver({ id: 1, result: 1, emittedAtMs: 5 });
    await pending;
    expect(seen).toEqual(['out request {"id":1,"method":"a"}', 'in response {"id":1,"result":1,"emittedAtMs":5}']);
  });
});

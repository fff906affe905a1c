// Session checks the fields it reads from each reply: a reply in another shape is an E_PROTOCOL error that
// names the method and the field. Notifications it does not know pass by, never fatal.
import { describe, expect, test } from 'vitest';
import { Connection } from '../../src/core/connection.ts';
import { Session } from '../../src/codex/session.ts';
import { MemoryTransport } from '../helpers/memory-transport.ts';

async function session() {
  const far = new MemoryTransport();
  const notifications: string[] = [];
  let current: Session | undefined;
  const connection = new Connection(far, {
    requestTimeoutMs: 2000,
    onServerRequest: async () => ({ result: {} }),
    onNotification: (notification) => {
      notifications.push(notification.method);
      current?.handleNotification(notification);
    },
  });
  await connection.start();
  current = new Session(connection);
  return { far, session: current, notifications };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  return promise.then(
    () => ({ code: 'none', message: 'it succeeded' }),
    (error: { code: string; message: string }) => error,
  );
}

describe('replies are checked for the fields Session reads', () => {
  test.each([
    ['thread/start', 'has no thread.id;', (s: Session) => s.startThread(), { thread: {} }],
    ['thread/start', 'has thread.id of the wrong type (expected string, got 7)', (s: Session) => s.startThread(), { thread: { id: 7 } }],
    ['thread/resume', 'has no thread;', (s: Session) => s.resumeThread('t'), {}],
    ['thread/list', 'has no data[1].id;', (s: Session) => s.listThreads(), { data: [{ id: 'a' }, { preview: 'no id' }] }],
    ['thread/list', 'has nextCursor of the wrong type', (s: Session) => s.listThreads(), { data: [], nextCursor: 5 }],
  ])('%s: the reply %s', async (method, words, act, result) => {
    const { far, session: s } = await session();
    const pending = failure(act(s));
    const request = await far.nextRequest(method);
    far.deliver({ id: request.id, result });
    const error = await pending;
    expect(error.code).toBe('E_PROTOCOL');
    expect(error.message).toContain(`the server's reply to ${method} ${words}`);
  });

  test('turn/start without turn.id', async () => {
    const { far, session: s } = await session();
    s.useThread('t');
    const pending = failure(s.startTurn('hi'));
    far.deliver({ id: (await far.nextRequest('turn/start')).id, result: { turn: { status: 'inProgress' } } });
    expect(await pending).toMatchObject({ code: 'E_PROTOCOL', message: expect.stringContaining("the server's reply to turn/start has no turn.id") });
  });

  test('extra fields pass, and the values read are the server’s', async () => {
    const { far, session: s } = await session();
    const pending = s.listThreads();
    far.deliver({ id: (await far.nextRequest('thread/list')).id, result: { data: [{ id: 'a', preview: 'p', extra: 1 }], nextCursor: null, backwardsCursor: 'b' } });
    expect(await pending).toEqual({ data: [{ id: 'a', preview: 'p', extra: 1 }], nextCursor: null });
  });
});

test('unknown and malformed notifications pass by; the turn still completes', async () => {
  const { far, session: s, notifications } = await session();
  s.useThread('t');
  const starting = s.startTurn('hi');
  far.deliver({ id: (await far.nextRequest('turn/start')).id, result: { turn: { id: 'u' } } });
  const turn = await starting;
  far.deliver({ method: 'brand/new/notification', params: { anything: [1, 2] } });
  far.deliver({ method: 'turn/completed', params: null });
  far.deliver({ method: 'turn/completed', params: 'text' });
  far.deliver({ method: 'turn/completed', params: { turn: { id: { not: 'a string' } } } });
  far.deliver({ method: 'turn/completed', params: { threadId: 't', turn: { id: 'u', status: 'completed' } } });
  expect(await turn.done).toMatchObject({ id: 'u', status: 'completed' });
  expect(notifications).toEqual(['brand/new/notification', 'turn/completed', 'turn/completed', 'turn/completed', 'turn/completed']);
});

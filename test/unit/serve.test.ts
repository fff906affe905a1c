// serveRecording over an in-memory client: ids rewritten to the client's, the recorded server side in
// order, and each kind of divergence named.
import { describe, expect, test } from 'vitest';
import { serveRecording, type ServedEntry, type ServeIo } from '../../src/recording/serve.ts';

const RECORDED: [ServedEntry['dir'], Record<string, unknown>][] = [
  ['out', { id: 1, method: 'initialize', params: {} }],
  ['in', { id: 1, result: { userAgent: 'recorded' } }],
  ['out', { method: 'initialized' }],
  ['out', { id: 2, method: 'thread/start', params: {} }],
  ['in', { id: 2, result: { thread: { id: 'T' } } }],
  ['in', { method: 'thread/started', params: { thread: { id: 'T' } } }],
  ['in', { id: 0, method: 'item/commandExecution/requestApproval', params: {} }],
  ['out', { id: 0, result: { decision: 'accept' } }],
  ['in', { method: 'turn/completed', params: {} }],
];

async function* entries(): AsyncGenerator<ServedEntry> {
  let line = 2;
  for (const [dir, message] of RECORDED) yield { dir, t: line, message, where: `line ${line++}` };
}

/** A client that sends `script` in order, each after the previous one's trigger (a message it waits for). */
function client(script: { after?: (sent: Record<string, unknown>[]) => boolean; send: Record<string, unknown> }[]) {
  const received: Record<string, unknown>[] = [];
  let step = 0;
  const io: ServeIo = {
    send: (text) => received.push(JSON.parse(text)),
    async next() {
      const current = script[step];
      if (!current) return undefined;
      for (let i = 0; i < 100 && current.after && !current.after(received); i++) await new Promise((resolve) => setTimeout(resolve, 1));
      step++;
      return current.send;
    },
  };
  return { io, received };
}

const comparable = (answer: Record<string, unknown>) => JSON.stringify(answer.result ?? answer.error);

describe('serveRecording', () => {
  test('answers with the client ids, sends the server side in order, and finds no divergence when the client behaves as recorded', async () => {
    const { io, received } = client([
      { send: { id: 'a', method: 'initialize', params: {} } },
      { send: { method: 'initialized' } },
      { send: { id: 'b', method: 'thread/start', params: {} } },
      { after: (got) => got.some((m) => m.method === 'item/commandExecution/requestApproval'), send: { id: 0, result: { decision: 'accept' } } },
    ]);
    expect(await serveRecording(entries(), io, { comparable })).toEqual([]);
    expect(received).toEqual([
      { id: 'a', result: { userAgent: 'recorded' } },
      { id: 'b', result: { thread: { id: 'T' } } },
      { method: 'thread/started', params: { thread: { id: 'T' } } },
      { id: 0, method: 'item/commandExecution/requestApproval', params: {} },
      { method: 'turn/completed', params: {} },
    ]);
  });

  test('a request not in the recording gets an error and is named; so are a different answer and what the client never sent', async () => {
    const { io, received } = client([
      { send: { id: 1, method: 'initialize', params: {} } },
      { send: { id: 2, method: 'thread/list', params: {} } },
      { send: { id: 3, method: 'thread/start', params: {} } },
      { after: (got) => got.some((m) => m.method === 'item/commandExecution/requestApproval'), send: { id: 0, result: { decision: 'decline' } } },
    ]);
    const divergences = await serveRecording(entries(), io, { comparable });
    expect(divergences.map((d) => d.kind)).toEqual(['unexpected request', 'different answer']);
    expect(divergences[0].text).toBe('the client sent thread/list (id 2) where the recording has thread/start (line 5)');
    expect(divergences[1].text).toBe('server request 0 (recording line 9): recorded {"decision":"accept"}, the client answered {"decision":"decline"}');
    expect(received).toContainEqual({ id: 2, error: { code: -32600, message: 'codex-dbg serve: thread/list is not in the recording here' } });

    const early = client([{ send: { id: 1, method: 'initialize', params: {} } }]);
    const missing = await serveRecording(entries(), early.io, { comparable });
    expect(missing).toEqual([{ kind: 'missing request', text: 'the client never sent thread/start (recording line 5)' }]);
  });
});

// :status in the REPL: the active thread, the running turn (and when it last heard from the server), the
// server requests waiting for our answer, and our requests still without a reply, from the waiting-requests
// tracker and the activity tracker the stall detector watches.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { Live } from '../../src/cli/connect.ts';
import { Output } from '../../src/cli/output.ts';
import { Repl } from '../../src/cli/repl.ts';
import { ActivityTracker } from '../../src/codex/activity.ts';
import { ServerRequests } from '../../src/codex/waiting-requests.ts';
import { plain } from '../helpers/colors.ts';

async function status(parts: { activity: ActivityTracker; requests?: ServerRequests; session: object }): Promise<string> {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk) => {
    text += chunk;
  });
  const output = new Output(new PassThrough(), stderr);
  const repl = new Repl({ output, color: plain, stop: new Promise(() => {}) });
  repl.input(':status');
  repl.endInput();
  // Only what :status reads; a server that never closes.
  const live = { requests: new ServerRequests(), ...parts, closed: new Promise(() => {}) } as unknown as Live;
  expect(await repl.run(live)).toBe(0);
  output.flush();
  return text;
}

describe(':status', () => {
  test('nothing open', async () => {
    const text = await status({ activity: new ActivityTracker(), session: { threadId: undefined } });
    expect(text).toMatch(/thread\s+none \(:new starts one\)/);
    expect(text).toMatch(/turn\s+none running/);
    expect(text).toMatch(/waiting\s+no server request waits for an answer/);
    expect(text).toMatch(/replies\s+no request of ours waits for a reply/);
  });

  test('a running turn waiting on an unanswered server request, and a request without a reply', async () => {
    const clock = { now: 1_000 };
    const activity = new ActivityTracker({ now: () => clock.now });
    activity.observe({ direction: 'in', kind: 'notification', message: { method: 'turn/started', params: { threadId: 't', turn: { id: 'u' } } } } as never);
    activity.observe({ direction: 'in', kind: 'request', message: { id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u' } } } as never);
    activity.observe({ direction: 'out', kind: 'request', message: { id: 5, method: 'thread/list', params: {} } } as never);
    const requests = new ServerRequests();
    requests.received({ id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u' } });
    clock.now = 41_000;
    const session = { threadId: 't', running: { turnId: 'u', threadId: 't', startedAt: Date.now() - 40_000 } };
    const text = await status({ activity, requests, session });
    expect(text).toMatch(/thread\s+t \(active\)/);
    expect(text).toMatch(/turn\s+u running for 40\.\d s on thread t, last message 40\.0 s ago/);
    expect(text).toMatch(/waiting\s+1 server request:\n\s+id 0  item\/commandExecution\/requestApproval  for 0\.\d s/);
    expect(text).toMatch(/replies\s+1 client request without a reply yet:\n\s+id 5  thread\/list  for 40\.0 s/);
  });
});

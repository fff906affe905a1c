// :status in the REPL: the active thread and what is open on the connection, read from the same activity
// tracker the stall detector watches.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { Live } from '../../src/cli/connect.ts';
import { LineQueue } from '../../src/cli/line-queue.ts';
import { Output } from '../../src/cli/output.ts';
import { runRepl } from '../../src/cli/repl.ts';
import { ActivityTracker } from '../../src/codex/activity.ts';
import { plain } from '../helpers/colors.ts';

async function status(activity: ActivityTracker, threadId: string | undefined): Promise<string[]> {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk) => {
    text += chunk;
  });
  const output = new Output(new PassThrough(), stderr);
  const lines = new LineQueue();
  lines.push(':status');
  lines.end();
  // Only what :status reads; a server that never closes.
  const live = { session: { threadId }, activity, connection: { closed: new Promise(() => {}) } } as unknown as Live;
  expect(await runRepl({ live, output, lines, color: plain, stop: new Promise(() => {}) })).toBe(0);
  output.flush();
  return text.trim().split('\n');
}

describe(':status', () => {
  test('nothing open', async () => {
    expect(await status(new ActivityTracker(), undefined)).toEqual(['thread (none yet)', 'nothing open']);
  });

  test('a running turn waiting on an unanswered server request, and a request without a reply', async () => {
    const clock = { now: 1_000 };
    const activity = new ActivityTracker({ now: () => clock.now });
    activity.observe({ direction: 'in', kind: 'notification', message: { method: 'turn/started', params: { threadId: 't', turn: { id: 'u' } } } });
    activity.observe({ direction: 'in', kind: 'request', message: { id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u' } } });
    activity.observe({ direction: 'out', kind: 'request', message: { id: 5, method: 'thread/list', params: {} } });
    clock.now = 41_000;
    expect(await status(activity, 't')).toEqual([
      'thread t',
      'turn u running for 40 s, last message 40 s ago; waiting on item/commandExecution/requestApproval (id 0)',
      'server request item/commandExecution/requestApproval (id 0) unanswered for 40 s',
      'client request thread/list (id 5) waiting for a reply for 40 s',
    ]);
  });
});

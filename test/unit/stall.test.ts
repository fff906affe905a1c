// What is open on a connection, from the traffic alone, and the stall warnings made from it, on a fake clock.
import { describe, expect, test } from 'vitest';
import { ActivityTracker, describeActivity, type ObservedMessage } from '../../src/codex/activity.ts';
import { StallDetector } from '../../src/codex/stall.ts';

function tracker(options: { requestTimeoutMs?: number } = {}) {
  const clock = { now: 0 };
  const activity = new ActivityTracker({ ...options, now: () => clock.now });
  const see = (direction: 'in' | 'out', kind: ObservedMessage['kind'], message: object) => activity.observe({ direction, kind, message });
  return { clock, activity, see };
}

/** A turn started through turn/start (id 5) on thread t, turn u. */
function startTurn(see: ReturnType<typeof tracker>['see']) {
  see('out', 'request', { id: 5, method: 'turn/start', params: { threadId: 't', input: [] } });
  see('in', 'response', { id: 5, result: { turn: { id: 'u', status: 'inProgress' } } });
}

describe('ActivityTracker', () => {
  test('a turn runs from the turn/start reply to turn/completed; messages about it or its thread keep it heard', () => {
    const { clock, activity, see } = tracker();
    startTurn(see);
    clock.now = 4000;
    see('in', 'notification', { method: 'item/agentMessage/delta', params: { threadId: 't', turnId: 'u', delta: 'x' } });
    clock.now = 6000;
    see('in', 'notification', { method: 'account/rateLimits/updated', params: {} });
    see('in', 'notification', { method: 'thread/status/changed', params: { threadId: 'other' } });
    expect(activity.snapshot().turns).toEqual([{ threadId: 't', turnId: 'u', startedAt: 0, heardAt: 4000 }]);
    see('in', 'notification', { method: 'turn/completed', params: { threadId: 't', turn: { id: 'u', status: 'completed' } } });
    expect(activity.snapshot().turns).toEqual([]);
  });

  test('turns another client started are seen through turn/started', () => {
    const { activity, see } = tracker();
    see('in', 'notification', { method: 'turn/started', params: { threadId: 't2', turn: { id: 'v' } } });
    expect(activity.snapshot().turns.map((turn) => turn.turnId)).toEqual(['v']);
  });

  test('server requests are open until answered (result or error); client requests until their reply, or their timeout', () => {
    const { clock, activity, see } = tracker({ requestTimeoutMs: 30_000 });
    see('in', 'request', { id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u' } });
    see('in', 'request', { id: 1, method: 'attestation/generate', params: {} });
    see('out', 'request', { id: 9, method: 'model/list', params: {} });
    see('out', 'request', { id: 10, method: 'thread/list', params: {} });
    clock.now = 1000;
    see('out', 'response', { id: 0, result: { decision: 'accept' } });
    see('out', 'error', { id: 1, error: { code: -32601, message: 'no' } });
    see('in', 'error', { id: 9, error: { code: -32600, message: 'no' } });
    const snapshot = activity.snapshot();
    expect(snapshot.serverRequests).toEqual([]);
    expect(snapshot.clientRequests).toEqual([{ id: 10, method: 'thread/list', sentAt: 0 }]);
    clock.now = 30_001;
    expect(activity.snapshot().clientRequests).toEqual([]);
  });

  test('describeActivity says what is open and for how long', () => {
    const { clock, activity, see } = tracker();
    startTurn(see);
    see('in', 'request', { id: 0, method: 'item/tool/requestUserInput', params: { threadId: 't', turnId: 'u' } });
    see('out', 'request', { id: 6, method: 'thread/read', params: {} });
    clock.now = 12_000;
    expect(describeActivity(activity.snapshot())).toEqual([
      'turn u running for 12 s, last message 12 s ago; waiting on item/tool/requestUserInput (id 0)',
      'server request item/tool/requestUserInput (id 0) unanswered for 12 s',
      'client request thread/read (id 6) waiting for a reply for 12 s',
    ]);
  });

  test('clear() forgets everything', () => {
    const { activity, see } = tracker();
    startTurn(see);
    see('in', 'request', { id: 0, method: 'currentTime/read', params: {} });
    activity.clear();
    expect(activity.snapshot()).toMatchObject({ turns: [], serverRequests: [], clientRequests: [] });
  });
});

describe('StallDetector', () => {
  test('a silent turn: warned at the threshold, again at each multiple, and once when it is over', () => {
    const { clock, activity, see } = tracker();
    const detector = new StallDetector(30_000);
    startTurn(see);
    clock.now = 29_000;
    expect(detector.tick(activity.snapshot())).toEqual([]);
    clock.now = 30_000;
    expect(detector.tick(activity.snapshot())).toEqual([
      'stall: turn u has heard nothing from the server for 30 s; no request is open either way, so codex is waiting on the model or a tool (the turn ends with turn/completed; :interrupt or Ctrl-C stops it)',
    ]);
    clock.now = 45_000;
    expect(detector.tick(activity.snapshot())).toEqual([]);
    clock.now = 61_000;
    expect(detector.tick(activity.snapshot())).toEqual([expect.stringMatching(/^stall: turn u has heard nothing from the server for 61 s;/)]);
    see('in', 'notification', { method: 'item/agentMessage/delta', params: { threadId: 't', turnId: 'u', delta: 'back' } });
    expect(detector.tick(activity.snapshot())).toEqual(['stall over: turn u']);
    expect(detector.tick(activity.snapshot())).toEqual([]);
  });

  test('an unanswered server request explains the silent turn; a request without a reply is warned too', () => {
    const { clock, activity, see } = tracker();
    const detector = new StallDetector(10_000);
    startTurn(see);
    see('in', 'request', { id: 3, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u' } });
    see('out', 'request', { id: 8, method: 'config/read', params: {} });
    clock.now = 10_000;
    expect(detector.tick(activity.snapshot())).toEqual([
      'stall: turn u has heard nothing from the server for 10 s; codex is waiting for our answer to item/commandExecution/requestApproval (id 3)',
      'stall: server request item/commandExecution/requestApproval (id 3) unanswered for 10 s; codex waits for the answer (a plugin is still deciding; --handler-timeout sets its deadline)',
      'stall: client request config/read (id 8) has had no reply for 10 s',
    ]);
    see('out', 'response', { id: 3, result: { decision: 'decline' } });
    see('in', 'response', { id: 8, result: {} });
    see('in', 'notification', { method: 'turn/completed', params: { turn: { id: 'u' } } });
    expect(detector.tick(activity.snapshot()).sort()).toEqual([
      'stall over: client request config/read (id 8)',
      'stall over: server request item/commandExecution/requestApproval (id 3)',
      'stall over: turn u',
    ]);
  });
});

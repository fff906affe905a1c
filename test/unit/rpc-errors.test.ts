// Server error replies shown short: the first line, no list of every method, the nearest names for an
// unknown method; the whole text with --debug.
import { describe, expect, test } from 'vitest';
import { RpcError } from '../../src/core/errors.ts';
import { nearestNames, rpcErrorText, serverMessageText, shortServerMessage } from '../../src/codex/rpc-errors.ts';
import { CLIENT_METHODS } from '../../src/codex/client-methods.ts';

/** What codex 0.169.0 answers to an unknown method (its list shortened here; the real one has ~190 names). */
const unknownVariant = (method: string) =>
  `Invalid request: unknown variant \`${method}\`, expected one of ${CLIENT_METHODS.map((m) => `\`${m}\``).join(', ')}`;

describe('short server errors', () => {
  test('an unknown method: one short line with the nearest names, the whole list only with --debug', () => {
    const error = new RpcError('thread/lst', { code: -32600, message: unknownVariant('thread/lst') });
    expect(error.serverMessage.length).toBeGreaterThan(4000);
    const text = rpcErrorText(error, false);
    expect(text).toBe('thread/lst failed: Invalid request: unknown variant `thread/lst` (code -32600); did you mean thread/list?');
    expect(rpcErrorText(error, true)).toBe(`thread/lst failed: ${unknownVariant('thread/lst')} (code -32600)`);
    expect(serverMessageText(error, false)).toBe('Invalid request: unknown variant `thread/lst`; did you mean thread/list?');
  });

  test('names come from the protocol table when the server does not list them (-32601)', () => {
    const error = new RpcError('modle/list', { code: -32601, message: 'method not found' });
    expect(rpcErrorText(error, false)).toBe('modle/list failed: method not found (code -32601); did you mean model/list?');
  });

  test('other errors: first line only, no suggestions; a very long line is cut and says so', () => {
    const multi = new RpcError('thread/read', { code: -32600, message: 'invalid thread id: x\ncaused by: something\nmore' });
    expect(rpcErrorText(multi, false)).toBe('thread/read failed: invalid thread id: x (code -32600)');
    const long = shortServerMessage('y'.repeat(1000));
    expect(long).toBe(`${'y'.repeat(300)}… (1000 chars; --debug shows all)`);
  });

  test('nearestNames: by spelling, or sharing the last segment; nothing when nothing is close', () => {
    expect(nearestNames('thread/strat', CLIENT_METHODS)).toContain('thread/start');
    expect(nearestNames('threads/list', CLIENT_METHODS)[0]).toBe('thread/list');
    expect(nearestNames('completely-unrelated-words', CLIENT_METHODS)).toEqual([]);
    expect(nearestNames('turn/interupt', CLIENT_METHODS)[0]).toBe('turn/interrupt');
  });
});

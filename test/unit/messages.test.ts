import { describe, expect, test } from 'vitest';
import { classify, decodeLine } from '../../src/core/messages.ts';

describe('classify', () => {
  test('by keys: request, notification, response, error', () => {
    expect(classify({ id: 1, method: 'm', params: {} })).toMatchObject({ ok: true, value: { kind: 'request' } });
    expect(classify({ method: 'm' })).toMatchObject({ ok: true, value: { kind: 'notification' } });
    expect(classify({ id: 'a', result: null })).toMatchObject({ ok: true, value: { kind: 'response' } });
    expect(classify({ id: 2, error: { code: -1, message: 'x' } })).toMatchObject({ ok: true, value: { kind: 'error' } });
  });

  test('keeps every field the server sent (emittedAtMs at the top level)', () => {
    const decoded = decodeLine('{"method":"turn/started","params":{"a":1},"emittedAtMs":123}');
    expect(decoded.ok && decoded.value.message).toEqual({ method: 'turn/started', params: { a: 1 }, emittedAtMs: 123 });
  });

  test('names the one shape that failed, readably', () => {
    expect(decodeLine('{"id":true,"method":"m"}')).toEqual({ ok: false, reason: expect.stringMatching(/^malformed request: id: /) });
    expect(decodeLine('{"id":1,"error":{"code":"x","message":"m"}}')).toEqual({ ok: false, reason: expect.stringMatching(/^malformed error: error\.code: /) });
    expect(decodeLine('[1,2]')).toEqual({ ok: false, reason: 'not a JSON object' });
    expect(decodeLine('{"x":1}').ok).toBe(false);
    expect(decodeLine('nope')).toEqual({ ok: false, reason: expect.stringMatching(/^invalid JSON/) });
  });
});

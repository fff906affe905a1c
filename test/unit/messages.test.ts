import { describe, expect, test } from 'vitest';
import { classify, decodeLine, rawMember } from '../../src/core/messages.ts';

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

  test('names the one shape that failed, readably, and keeps what the line parsed to', () => {
    expect(decodeLine('{"id":true,"method":"m"}')).toEqual({ ok: false, reason: expect.stringMatching(/^malformed request: id: /), value: { id: true, method: 'm' } });
    expect(decodeLine('{"id":1,"error":{"code":"x","message":"m"}}')).toMatchObject({ ok: false, reason: expect.stringMatching(/^malformed error: error\.code: /) });
    expect(decodeLine('[1,2]')).toEqual({ ok: false, reason: 'not a JSON object', value: [1, 2] });
    expect(decodeLine('{"x":1}').ok).toBe(false);
    expect(decodeLine('nope')).toEqual({ ok: false, reason: expect.stringMatching(/^invalid JSON/) });
  });

  test('an error code must be an integer (JSON-RPC says so)', () => {
    expect(decodeLine('{"id":1,"error":{"code":1.5,"message":"m"}}')).toMatchObject({ ok: false, reason: 'malformed error: error.code: Invalid integer: Received 1.5' });
    expect(decodeLine('{"id":1,"error":{"code":-32600,"message":"m"}}').ok).toBe(true);
  });
});

describe('rawMember: a top-level member as written', () => {
  test('ids JSON.parse cannot keep exactly come back as the server wrote them', () => {
    for (const id of ['1152921504606846976', '18446744073709551615', '1e400', '-0', '9007199254740993', '1.50']) {
      expect(rawMember(`{"id":${id},"method":"m","params":{}}`, 'id')).toBe(id);
      expect(rawMember(`{ "method" : "m", "params": {"id": 1, "list": [{"id": 2}], "s": "\\"id\\":3"} , "id" : ${id} }`, 'id')).toBe(id);
    }
  });

  test('a string id, an escaped key, a repeated key (the last wins, as in JSON.parse), a missing one', () => {
    expect(rawMember('{"id":"a\\"b","method":"m"}', 'id')).toBe('"a\\"b"');
    expect(rawMember('{"\\u0069d":5,"method":"m"}', 'id')).toBe('5');
    expect(rawMember('{"id":1,"id":2}', 'id')).toBe('2');
    expect(rawMember('{"method":"m","params":{"id":1}}', 'id')).toBeUndefined();
  });
});

// toJson: JSON.stringify's text for any depth; startTimer: delays past setTimeout's 2^31 - 1 ms limit.
import { describe, expect, test } from 'vitest';
import { toJson, toJsonText } from '../../src/core/json.ts';
import { startTimer } from '../../src/core/timers.ts';

describe('toJson', () => {
  test('the same text as JSON.stringify for ordinary values, indented too', () => {
    const values = [{ a: [1, 'x', null, true, { b: undefined, c: () => 1 }], d: new Date(0), e: Number.NaN }, [undefined, Symbol('s')], 'text', 3];
    for (const value of values) {
      expect(toJson(value)).toBe(JSON.stringify(value));
      expect(toJson(value, 2)).toBe(JSON.stringify(value, null, 2));
    }
    expect(toJson(undefined)).toBeUndefined();
    // Indented up to 100 levels; deeper, compact (indented text grows with the square of the depth).
    const nested = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
    expect(toJson(nested(99), 2)).toBe(JSON.stringify(nested(99), null, 2));
    expect(toJson(nested(101), 2)).toBe(JSON.stringify(nested(101)));
    expect(() => toJsonText(() => 1)).toThrow('a function is not JSON');
  });

  test('a value nested 100,000 levels: written compactly, the same text JSON.parse read', () => {
    const text = `${'{"a":['.repeat(50_000)}1${']}'.repeat(50_000)}`;
    const value = JSON.parse(text);
    expect(toJson(value)).toBe(text);
    expect(toJson(value, 2)).toBe(text);
  });

  test('deep values still refuse what JSON.stringify refuses: a BigInt, a cycle', () => {
    const deep: Record<string, unknown> = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    deep.big = 1n;
    expect(() => toJson(deep)).toThrow(/BigInt/);
    const cyclic: Record<string, unknown> = JSON.parse(`${'{"a":'.repeat(100_000)}{}${'}'.repeat(100_000)}`);
    let inner = cyclic;
    while (typeof inner.a === 'object' && Object.keys(inner.a as object).length > 0) inner = inner.a as Record<string, unknown>;
    inner.a = cyclic;
    expect(() => toJson(cyclic)).toThrow(/circular|cyclic/i);
  });
});

describe('startTimer', () => {
  test('2^31 ms, 2^40 ms and Infinity do not fire at once (setTimeout alone fires after 1 ms); cancel stops it', async () => {
    const fired: number[] = [];
    const cancels = [2 ** 31, 2 ** 40, Number.POSITIVE_INFINITY].map((ms) => startTimer(ms, () => fired.push(ms)));
    const short = startTimer(5, () => fired.push(5));
    const cancelled = startTimer(5, () => fired.push(-1));
    cancelled();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fired).toEqual([5]);
    for (const cancel of [...cancels, short]) cancel();
  });
});

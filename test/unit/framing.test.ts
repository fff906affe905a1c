import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LineDecoder } from '../../src/core/framing.ts';

function decode(chunks: Uint8Array[], max = 1024 * 1024) {
  const lines: string[] = [];
  const oversize: number[] = [];
  const decoder = new LineDecoder(max, { line: (l) => lines.push(l), oversize: (b) => oversize.push(b) });
  for (const chunk of chunks) decoder.push(chunk);
  const rest = decoder.end();
  return { lines, oversize, rest };
}
const bytes = (text: string) => new TextEncoder().encode(text);

describe('LineDecoder', () => {
  test('several lines in one read, and a line split across reads', () => {
    expect(decode([bytes('{"a":1}\n{"b":2}\n{"c"'), bytes(':3}\n')]).lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  test('a UTF-8 character split between reads is decoded whole', () => {
    const all = bytes('{"t":"héllo €"}\n');
    const at = all.indexOf(0xe2) + 1; // inside the three bytes of €
    expect(decode([all.slice(0, at), all.slice(at)]).lines).toEqual(['{"t":"héllo €"}']);
  });

  test('\\r\\n endings are stripped, also when \\r and \\n arrive in different reads', () => {
    expect(decode([bytes('one\r\ntwo\r'), bytes('\nthree\n')]).lines).toEqual(['one', 'two', 'three']);
  });

  test('a line above the limit is dropped and reported with its size; the next line is intact', () => {
    const big = 'x'.repeat(100);
    const { lines, oversize } = decode([bytes(`${big.slice(0, 30)}`), bytes(`${big.slice(30)}\nok\n`)], 50);
    expect(lines).toEqual(['ok']);
    expect(oversize).toEqual([100]);
  });

  test('an oversize line in one read, and one still open at end of stream', () => {
    const { lines, oversize, rest } = decode([bytes(`${'y'.repeat(80)}\nfine\n${'z'.repeat(70)}`)], 50);
    expect(lines).toEqual(['fine']);
    expect(oversize).toEqual([80, 70]);
    expect(rest).toBeUndefined();
  });

  test('a truncated last line is returned by end()', () => {
    expect(decode([bytes('{"a":1}\n{"trunc')]).rest).toBe('{"trunc');
  });

  test('property: any chunking of a recorded stream gives the same lines', () => {
    const recorded = readFileSync(join(import.meta.dirname ?? __dirname, '../fixtures/approval-turn.jsonl'));
    const expected = recorded.toString('utf8').split('\n').filter(Boolean);
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 200; run++) {
      const chunks: Uint8Array[] = [];
      const maxChunk = 1 + Math.floor(random() * (run % 2 ? 7 : 4000));
      for (let i = 0; i < recorded.length; ) {
        const size = 1 + Math.floor(random() * maxChunk);
        chunks.push(recorded.subarray(i, i + size));
        i += size;
      }
      expect(decode(chunks).lines).toEqual(expected);
    }
  });
});

// The server's stderr as lines: whole however the pipe cuts them, cut only past the limit and then marked.
import { describe, expect, test } from 'vitest';
import { TailBuffer } from '../../src/transports/tail-buffer.ts';

describe('TailBuffer', () => {
  test('a line that arrives in pieces is handed on whole, from its start', () => {
    const tail = new TailBuffer();
    const line = `START${'y'.repeat(100_000)}END`;
    const out: string[] = [];
    for (let at = 0; at < line.length; at += 10_000) out.push(...tail.write(line.slice(at, at + 10_000)));
    expect(out).toEqual([]);
    out.push(...tail.write('\r\nnext'));
    expect(out).toEqual([line]);
    expect(tail.end()).toBe('next');
    expect(tail.end()).toBeUndefined();
  });

  test('past the limit the start is kept and the cut is marked with the sizes', () => {
    const tail = new TailBuffer(50, 10);
    expect(tail.write('0123456')).toEqual([]);
    expect(tail.write('789abcdef\nshort\n')).toEqual(['0123456789… [cut by codex-dbg: a line of 16 characters, the first 10 kept]', 'short']);
  });

  test('the diagnosis keeps the last lines, each shortened', () => {
    const tail = new TailBuffer(2);
    tail.write(`a\nb\n${'c'.repeat(3000)}\npartial`);
    const snapshot = tail.snapshot();
    expect(snapshot).toHaveLength(3);
    expect(snapshot[0]).toBe('b');
    expect(snapshot[1]).toBe(`${'c'.repeat(2000)}…`);
    expect(snapshot[2]).toBe('partial');
  });
});

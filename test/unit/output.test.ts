// Output: stdout batched per microtask with backpressure, our own lines on stderr, a reader that goes away.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { Output } from '../../src/cli/output.ts';

/** A stdout that takes nothing until release() is called: always backed up. */
function stuckStdout() {
  const taken: string[] = [];
  let release: () => void = () => {};
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk, _encoding, callback) {
      taken.push(String(chunk));
      release = callback;
    },
  });
  return { stream, taken, release: () => release() };
}

describe('Output', () => {
  test('writes in one batch per microtask, in order', async () => {
    const stdout = new PassThrough();
    const chunks: string[] = [];
    stdout.on('data', (chunk) => chunks.push(String(chunk)));
    const output = new Output(stdout, new PassThrough());
    output.stdout('a\n');
    output.stdout('b\n');
    await output.end();
    expect(chunks).toEqual(['a\nb\n']);
  });

  test('while stdout is backed up, every writer waits on one drain listener, and all go on when it drains', async () => {
    const { stream, release } = stuckStdout();
    const output = new Output(stream, new PassThrough());
    output.stdout('first line that fills the buffer\n');
    output.flush();
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      expect(output.stdout(`line ${i}\n`)).toBe(false);
      waits.push(output.drain());
    }
    expect(stream.listenerCount('drain')).toBe(1);
    let drained = 0;
    for (const wait of waits) wait.then(() => drained++);
    release();
    await Promise.all(waits);
    expect(drained).toBe(30);
  });

  test('a reader that goes away ends output quietly and releases whoever waits for drain', async () => {
    const { stream } = stuckStdout();
    const output = new Output(stream, new PassThrough());
    let closed = false;
    output.onStdoutClosed(() => {
      closed = true;
    });
    output.stdout('fill\n');
    output.flush();
    const wait = output.drain();
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await wait;
    expect(closed).toBe(true);
    expect(output.stdout('more\n')).toBe(false);
  });

  test('our own lines go to stderr with one newline', () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk) => {
      text += chunk;
    });
    const output = new Output(new PassThrough(), stderr);
    output.stderrLine('one');
    output.stderrLine('two\n');
    output.stderr('> ');
    expect(text).toBe('one\ntwo\n> ');
  });
});

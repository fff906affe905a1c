// The tap's relay over `cat` as the server (what the front end sends comes back as server output): bytes
// unchanged whatever they are and however they are chunked, observers that throw change nothing, a line
// above the observation limit still passes, and an intercepted reply never splits one of the front end's lines.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { TapRelay, type Interceptor, type TapDirection } from '../../src/transports/tap-relay.ts';

function relayOverCat(options: { observeLimit?: number; interceptor?: Interceptor; throwing?: boolean } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const errors = new PassThrough();
  const received: Buffer[] = [];
  output.on('data', (chunk: Buffer) => received.push(chunk));
  const lines: [TapDirection, string][] = [];
  const oversize: [TapDirection, number][] = [];
  const observerErrors: unknown[] = [];
  const relay = new TapRelay({
    bin: 'cat',
    args: [],
    client: { input, output, errors },
    observeLimit: options.observeLimit ?? 1024,
    interceptor: options.interceptor,
    observer: {
      watchingServer: () => true,
      line(dir, text) {
        lines.push([dir, text]);
        if (options.throwing) throw new Error('observer broke');
      },
      oversize: (dir, bytes) => oversize.push([dir, bytes]),
      stderr() {},
    },
    onObserverError: (error) => observerErrors.push(error),
  });
  const { exited } = relay.start();
  return { input, received: () => Buffer.concat(received), lines, oversize, observerErrors, exited };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tap relay', () => {
  test('bytes pass unchanged: CRLF, blank lines, bad JSON, a line over the limit, odd chunking; observers that throw change nothing', async () => {
    const tap = relayOverCat({ observeLimit: 1024, throwing: true });
    const text = `{"id":1,"method":"initialize"}\r\n\n{not json\n${'x'.repeat(5000)}\n{"method":"é ü 😀"}\nno newline at the end`;
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 7) tap.input.write(bytes.subarray(at, at + 7));
    tap.input.end();
    expect(await tap.exited).toEqual({ code: 0, signal: null });
    expect(tap.received().equals(bytes)).toBe(true);
    expect(tap.lines.filter(([dir]) => dir === 'out').map(([, line]) => line)).toEqual(['{"id":1,"method":"initialize"}', '', '{not json', '{"method":"é ü 😀"}']);
    expect(tap.oversize).toContainEqual(['out', 5000]);
    expect(tap.observerErrors.length).toBeGreaterThan(0);
  });

  test('an intercepted request is kept from the front end and its reply reaches the server only between whole lines', async () => {
    let answer: (reply: string | undefined) => void = () => {};
    const tap = relayOverCat({
      interceptor: (text) => (text.includes('"method":"ask"') ? new Promise((resolve) => (answer = resolve)) : undefined),
    });
    tap.input.write('{"id":0,"method":"ask"}\n');
    await pause(200);
    tap.input.write('{"method":"half');
    await pause(100);
    answer('{"id":0,"result":{"decision":"accept"}}');
    await pause(100);
    tap.input.write('-line"}\n');
    tap.input.end();
    await tap.exited;
    // cat sent back the half line made whole, then our reply: it arrived after the front end's line, not inside it.
    expect(tap.received().toString()).toBe('{"method":"half-line"}\n{"id":0,"result":{"decision":"accept"}}\n');
  });

  test('a request no plugin answers goes on to the front end after all, in order', async () => {
    const tap = relayOverCat({ interceptor: (text) => (text.includes('"method":"ask"') ? pause(50).then(() => undefined) : undefined) });
    tap.input.write('{"id":0,"method":"ask"}\n{"method":"after"}\n');
    tap.input.end();
    await tap.exited;
    expect(tap.received().toString()).toBe('{"id":0,"method":"ask"}\n{"method":"after"}\n');
  });
});

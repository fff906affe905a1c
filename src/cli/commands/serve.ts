// `codex-dbg serve <recording>`: a fake app-server on stdio that plays the server side of a recording to
// whatever client started it (src/recording/serve.ts), so a recorded session becomes a golden test for a
// front end, without a model or a key. At the end it names each divergence on stderr; exit 0 only without any.
import type { Reply } from '../../core/connection.ts';
import { ExitCode } from '../../core/errors.ts';
import { LineDecoder } from '../../core/framing.ts';
import { readRecording } from '../../recording/reader.ts';
import { redact } from '../../recording/recorder.ts';
import { serveRecording, type ServedEntry, type ServeIo } from '../../recording/serve.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { canonical } from './replay.ts';

export function serveCommand(file: string, options: CommonOptions, serve: { speed?: number }): Promise<number> {
  return runCommand(options, async () => {
    const recording = readRecording(file);
    const entries = async function* (): AsyncGenerator<ServedEntry> {
      for (const { number, entry } of recording.lines) {
        if (entry.type === 'message') yield { dir: entry.dir, t: entry.t, message: entry.message as Record<string, unknown>, where: `${file}:${number}` };
      }
    };
    // Results whole, errors by code; a redacted recording is compared with the answer redacted the same way.
    const comparable = (answer: Record<string, unknown>) => {
      const reply = (recording.header.redacted ? redact(answer) : answer) as Reply;
      return 'error' in reply ? `error ${reply.error.code}` : canonical(reply.result);
    };
    const divergences = await serveRecording(entries(), stdio(options.maxLineBytes), { speed: serve.speed, comparable });
    for (const { kind, text } of divergences) process.stderr.write(`codex-dbg serve: divergence (${kind}): ${text}\n`);
    process.stderr.write(`codex-dbg serve: played ${file}: ${divergences.length === 0 ? 'no divergence' : `${divergences.length} divergence${divergences.length === 1 ? '' : 's'}`}\n`);
    return divergences.length === 0 ? ExitCode.ok : ExitCode.failure;
  });
}

/** The client on our stdin and stdout, one JSON message per line; a line that is not JSON is skipped. */
function stdio(maxLineBytes: number): ServeIo {
  const queue: (Record<string, unknown> | undefined)[] = [];
  let wake: (() => void) | undefined;
  const push = (message: Record<string, unknown> | undefined) => {
    queue.push(message);
    wake?.();
  };
  const decoder = new LineDecoder(maxLineBytes, {
    line: (text) => {
      try {
        push(JSON.parse(text));
      } catch {
        process.stderr.write(`codex-dbg serve: skipped a line that is not JSON: ${text.slice(0, 200)}\n`);
      }
    },
    oversize: (bytes) => process.stderr.write(`codex-dbg serve: skipped a line of ${bytes} bytes\n`),
  });
  process.stdin.on('data', (chunk: Buffer) => decoder.push(chunk));
  process.stdin.on('end', () => push(undefined));
  let ended = false;
  return {
    send: (text) => process.stdout.write(`${text}\n`),
    async next() {
      if (ended) return undefined;
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const message = queue.shift();
      if (message === undefined) ended = true;
      return message;
    },
  };
}

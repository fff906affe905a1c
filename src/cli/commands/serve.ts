// `codex-dbg serve <recording>`: a fake app-server on stdio that plays the server side of a recording to
// whatever client started it (src/recording/serve.ts), so a recorded session becomes a golden test for a
// front end, without a model or a key. At the end it names each divergence on stderr; exit 0 only without any.
import type { Reply } from '../../core/connection.ts';
import { ExitCode } from '../../core/errors.ts';
import { LineDecoder } from '../../core/framing.ts';
import { readEntries, readHeader } from '../../recording/reader.ts';
import { redactValue } from '../../recording/redaction.ts';
import { comparable } from '../../recording/replay.ts';
import { serveRecording, type ServedEntry, type ServeIo } from '../../recording/serve.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';

export function serveCommand(file: string, options: CommonOptions, serve: { speed?: number }): Promise<number> {
  return runCommand(options, async () => {
    // Checked before anything is served: a file that is no recording is one line, not a confused client.
    const header = await readHeader(file);
    // Streamed (parts and gzip too): memory holds what playback waits on, not the recording.
    const entries = async function* (): AsyncGenerator<ServedEntry> {
      const onProblem = (text: string) => process.stderr.write(`codex-dbg serve: ${text}\n`);
      for await (const { record, file: part, line } of readEntries(file, { onProblem })) {
        if (record.type === 'message') yield { dir: record.dir, t: record.t, message: record.message as Record<string, unknown>, where: `${part}:${line ?? '?'}` };
      }
    };
    // Results whole, errors by code; a redacted recording is compared with the answer redacted the same way.
    const compare = (answer: Record<string, unknown>) => comparable((header.redacted ? redactValue(answer) : answer) as Reply);
    const divergences = await serveRecording(entries(), stdio(options.maxLineBytes), { speed: serve.speed, comparable: compare });
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

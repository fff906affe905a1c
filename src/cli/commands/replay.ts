// `codex-dbg replay <recording>`: plays the recorded session's messages through the loaded plugins, in
// order, with no codex at all, and compares what the plugins answer to each server request with the
// answer in the recording. Prints each difference; exit 0 when there is none, 1 otherwise. With --format
// the session is shown as it would have been (the formatter sees the new answers).
import type { Reply, TrafficEntry } from '../../core/connection.ts';
import { ExitCode } from '../../core/errors.ts';
import type { Scope } from '../lifecycle.ts';
import { classify, type ErrorMessage, type Message, type RequestId, type RequestMessage, type ResponseMessage } from '../../core/messages.ts';
import { readRecording } from '../../recording/reader.ts';
import { redact } from '../../recording/recorder.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { loadPluginSet, openOutput, startPlugins, useColor } from '../setup.ts';

interface Answered {
  request: RequestMessage;
  line: number;
  reply: Reply;
  by: string;
}

/** Stable text for comparing JSON values: keys sorted at every depth. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** What must match: the result whole, or for an error its code (messages may be reworded). */
function comparable(reply: Reply): string {
  return 'error' in reply ? `error ${reply.error.code}` : canonical(reply.result);
}

export function replayCommand(file: string, options: CommonOptions): Promise<number> {
  return runCommand(options, (scope) => replay(scope, file, options));
}

async function replay(scope: Scope, file: string, options: CommonOptions): Promise<number> {
  const recording = readRecording(file);
  const set = await loadPluginSet(options, undefined);
  const output = openOutput(scope);
  const host = await startPlugins(scope, set, options, { output, color: useColor(options) });
  const show = (direction: 'in' | 'out', message: Message, at: number) => {
    const decoded = classify(message);
    if (!decoded.ok) return;
    const entry: TrafficEntry = { direction, kind: decoded.value.kind, message, line: JSON.stringify(message), at };
    const text = host.observe(entry);
    if (text !== undefined) output.stdout(text);
  };

  const answered = new Map<RequestId, Answered>();
  let requests = 0;
  let differences = 0;
  const differ = (text: string) => {
    differences++;
    output.stderrLine(text);
  };
  for (const { number, entry } of recording.lines) {
    if (entry.type !== 'message') continue;
    const message = entry.message as Message;
    const decoded = classify(message);
    if (!decoded.ok) continue;
    const { kind } = decoded.value;
    if (entry.dir === 'in') {
      show('in', message, entry.t);
      if (kind !== 'request') continue;
      const request = message as RequestMessage;
      requests++;
      const { reply, by } = await host.answerWithSource(request);
      answered.set(request.id, { request, line: number, reply, by });
      show('out', 'error' in reply ? { id: request.id, error: reply.error } : { id: request.id, result: reply.result }, entry.t);
      continue;
    }
    const pending = 'id' in message && (kind === 'response' || kind === 'error') ? answered.get(message.id as RequestId) : undefined;
    if (!pending) {
      show('out', message, entry.t);
      continue;
    }
    answered.delete(pending.request.id);
    const recorded: Reply = kind === 'error' ? { error: (message as ErrorMessage).error } : { result: (message as ResponseMessage).result };
    // A redacted recording is compared with the new answer redacted the same way.
    const replayed = recording.header.redacted ? (redact(pending.reply) as Reply) : pending.reply;
    if (comparable(recorded) !== comparable(replayed)) {
      differ(
        [
          `difference: ${pending.request.method} (server request id ${pending.request.id}, ${file}:${pending.line})`,
          `  recorded: ${canonical('error' in recorded ? recorded.error : recorded.result)}`,
          `  replayed: ${canonical('error' in replayed ? replayed.error : replayed.result)}  (answered by ${pending.by})`,
        ].join('\n'),
      );
    }
  }
  for (const pending of answered.values()) {
    differ(`difference: ${pending.request.method} (server request id ${pending.request.id}, ${file}:${pending.line}) has no answer in the recording; replayed: ${comparable(pending.reply)} (answered by ${pending.by})`);
  }
  output.stderrLine(`replayed ${requests} server request${requests === 1 ? '' : 's'}: ${differences === 0 ? 'no differences' : `${differences} difference${differences === 1 ? '' : 's'}`}`);
  return differences === 0 ? ExitCode.ok : ExitCode.failure;
}

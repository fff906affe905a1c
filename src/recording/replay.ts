// Replay: plays a recorded session's messages through the loaded plugins, in order, with no codex at all,
// and compares what the plugins answer to each server request with the answer in the recording. The
// recording is read as a stream: memory holds only the server requests still waiting for their recorded
// answer. Observers and the formatter see every message, with the new answers in place of the recorded ones.
import type { Reply, TrafficEntry } from '../core/connection.ts';
import { classify, type ErrorMessage, type Message, type RequestId, type RequestMessage, type ResponseMessage } from '../core/messages.ts';
import { messageText, readEntryBatches, readHeader } from './reader.ts';
import { redactValue } from './redaction.ts';

/** What replay needs from the plugin host. */
export interface ReplayHost {
  answerWithSource(request: RequestMessage): Promise<{ reply: Reply; by: string }>;
  observe(entry: TrafficEntry): string | Uint8Array | undefined;
}

export interface ReplaySink {
  /** Formatted traffic (stdout); false when the reader is slow and replay should wait for drain(). */
  write(text: string | Uint8Array): boolean;
  drain(): Promise<void>;
  /** The client's own lines: differences, problems, the summary (stderr). */
  line(text: string): void;
}

export interface ReplayResult {
  requests: number;
  differences: number;
}

interface Answered {
  request: RequestMessage;
  where: string;
  reply: Reply;
  by: string;
}

/** Stable text for comparing JSON values: keys sorted at every depth. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** What must match: the result whole, or for an error its code (messages may be reworded). `serve` compares the same way. */
export function comparable(reply: Reply): string {
  return 'error' in reply ? `error ${reply.error.code}` : canonical(reply.result);
}

/** The warning shown before showing a recording made with --record-secrets. */
export function secretsWarning(file: string): string {
  return `codex-dbg: warning: ${file} was recorded with --record-secrets: it holds tokens and keys as they were sent; do not share it`;
}

export async function replayRecording(file: string, host: ReplayHost, sink: ReplaySink): Promise<ReplayResult> {
  const header = await readHeader(file);
  if (!header.redacted) sink.line(secretsWarning(file));
  let slowReader = false;
  const show = (direction: 'in' | 'out', message: Message, at: number, line = JSON.stringify(message)) => {
    const decoded = classify(message);
    if (!decoded.ok) return;
    const entry: TrafficEntry = { direction, kind: decoded.value.kind, message, line, at };
    const text = host.observe(entry);
    if (text !== undefined && !sink.write(text)) slowReader = true;
  };
  const answered = new Map<RequestId, Answered>();
  let requests = 0;
  let differences = 0;
  const differ = (text: string) => {
    differences++;
    sink.line(text);
  };
  const onProblem = (text: string) => sink.line(`codex-dbg: ${text}`);

  for await (const batch of readEntryBatches(file, { onProblem })) {
    for (const item of batch) {
      const { record, file: part, line, entry } = item;
      if (slowReader) {
        // Stdout is behind: wait rather than hold the rest of the recording in its buffer.
        slowReader = false;
        await sink.drain();
      }
      if (record.type !== 'message') continue;
      const message = record.message as Message;
      const decoded = classify(message);
      if (!decoded.ok) continue;
      const { kind } = decoded.value;
      if (record.dir === 'in') {
        show('in', message, record.t, messageText(item));
        if (kind !== 'request') continue;
        const request = message as RequestMessage;
        requests++;
        const { reply, by } = await host.answerWithSource(request);
        answered.set(request.id, { request, where: line === undefined ? `${part}, entry ${entry}` : `${part}:${line}`, reply, by });
        show('out', 'error' in reply ? { id: request.id, error: reply.error } : { id: request.id, result: reply.result }, record.t);
        continue;
      }
      const pending = 'id' in message && (kind === 'response' || kind === 'error') ? answered.get(message.id as RequestId) : undefined;
      if (!pending) {
        show('out', message, record.t, messageText(item));
        continue;
      }
      answered.delete(pending.request.id);
      const recorded: Reply = kind === 'error' ? { error: (message as ErrorMessage).error } : { result: (message as ResponseMessage).result };
      // A redacted recording is compared with the new answer redacted the same way.
      const replayed = header.redacted ? redactValue(pending.reply) : pending.reply;
      if (comparable(recorded) !== comparable(replayed)) {
        differ(
          [
            `difference: ${pending.request.method} (server request id ${pending.request.id}, ${pending.where})`,
            `  recorded: ${canonical('error' in recorded ? recorded.error : recorded.result)}`,
            `  replayed: ${canonical('error' in replayed ? replayed.error : replayed.result)}  (answered by ${pending.by})`,
          ].join('\n'),
        );
      }
    }
  }
  for (const pending of answered.values()) {
    differ(`difference: ${pending.request.method} (server request id ${pending.request.id}, ${pending.where}) has no answer in the recording; replayed: ${comparable(pending.reply)} (answered by ${pending.by})`);
  }
  sink.line(`replayed ${requests} server request${requests === 1 ? '' : 's'}: ${differences === 0 ? 'no differences' : `${differences} difference${differences === 1 ? '' : 's'}`}`);
  return { requests, differences };
}

// Records a session as it happens (format: format.ts): every message both ways, each server stderr line,
// and the client's own events. A message is kept as the line that crossed the pipe, embedded as it is
// (never parsed or serialised again): the recording holds exactly what was sent, and recording costs a
// copy. Secrets are redacted by name (redaction.ts), and only in lines where a quick look finds a name
// that can carry one. `.gz` files are written as gzip; --record-max-bytes continues in numbered parts;
// an index beside the first part (index-file.ts) lets readers jump. Files are created private (0600).
//
// Recording never throws into the session: a failure (a full disk) is reported once and recording stops,
// the session goes on.
import { randomUUID } from 'node:crypto';
import type { TrafficEntry } from '../core/connection.ts';
import { DbgError } from '../core/errors.ts';
import { indexPath, isGzipPath, partPath, RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './format.ts';
import { CHECKPOINT_EVERY, IndexWriter } from './index-file.ts';
import { openPart, type PartWriter } from './part-writer.ts';
import { mayHoldSecret, redactCommandLine, redactJson } from './redaction.ts';

export interface RecorderOptions {
  keepSecrets: boolean;
  version: string;
  /** Start a new numbered part once a file holds this much text (before compression). */
  maxBytes?: number;
  /** Told once when recording fails and stops. */
  onProblem?: (text: string) => void;
}

/** What the recorder needs from a message that crossed the pipe. */
export type RecordedTraffic = Pick<TrafficEntry, 'direction' | 'line' | 'message'>;

/**
 * Where a session's record goes as it happens: a recording file, the inspector, or both (the same calls
 * for each).
 */
export interface RecordSink {
  message(traffic: RecordedTraffic): void;
  stderr(line: string): void;
  event(event: string, detail?: Record<string, unknown>): void;
}

/** One sink that passes everything to each of the given ones (undefined when there is none). */
export function teeSinks(...sinks: (RecordSink | undefined)[]): RecordSink | undefined {
  const present = sinks.filter((sink): sink is RecordSink => sink !== undefined);
  if (present.length <= 1) return present[0];
  return {
    message: (traffic) => present.forEach((sink) => sink.message(traffic)),
    stderr: (line) => present.forEach((sink) => sink.stderr(line)),
    event: (event, detail) => present.forEach((sink) => sink.event(event, detail)),
  };
}

export class Recorder implements RecordSink {
  readonly recordingId = randomUUID();
  private part: PartWriter | undefined;
  private partNumber = 1;
  private readonly index: IndexWriter | undefined;
  private readonly gzipped: boolean;
  private readonly startedAt = performance.now();
  private readonly header: RecordingHeader;
  private entries = 0;
  private lastCheckpoint = 0;
  private failed = false;
  private clock: string | undefined;
  private partSize = 0;
  private readonly flushAtExit = () => this.guard(() => this.part?.flushSync());

  constructor(
    readonly path: string,
    private readonly options: RecorderOptions,
  ) {
    this.gzipped = isGzipPath(path);
    this.header = {
      type: 'header',
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      startedAt: new Date().toISOString(),
      codexDbg: options.version,
      redacted: !options.keepSecrets,
      recordingId: this.recordingId,
      part: 1,
    };
    try {
      this.part = this.openPart(1);
      this.index = new IndexWriter(indexPath(path), this.recordingId);
    } catch (error) {
      this.part?.close();
      throw new DbgError('E_USAGE', `--record ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    process.on('exit', this.flushAtExit);
  }

  message(traffic: RecordedTraffic): void {
    this.guard(() => {
      const line = this.options.keepSecrets || !mayHoldSecret(traffic.line) ? traffic.line : redactJson(traffic.line);
      const entry = this.entries;
      this.append(`{"t":${this.now()},"type":"message","dir":"${traffic.direction}","message":${line}}\n`);
      this.markTurn(traffic, entry);
    });
  }

  stderr(line: string): void {
    this.guard(() => this.append(`{"t":${this.now()},"type":"stderr","line":${JSON.stringify(line)}}\n`));
  }

  event(event: string, detail: Record<string, unknown> = {}): void {
    this.guard(() => {
      const shown = Array.isArray(detail.args) && !this.options.keepSecrets ? { ...detail, args: redactCommandLine(detail.args.map(String)) } : detail;
      const text = JSON.stringify({ t: Number(this.now()), type: 'event', event, ...shown });
      this.append(`${this.options.keepSecrets || !mayHoldSecret(text) ? text : redactJson(text)}\n`);
    });
  }

  close(): void {
    process.off('exit', this.flushAtExit);
    this.guard(() => {
      this.part?.close();
      this.part = undefined;
      this.index?.close({ entries: this.entries, parts: this.partNumber });
    });
    this.part = undefined;
  }

  /** `t` as text; one clock reading per synchronous stretch (a read from the server brings many lines at once). */
  private now(): string {
    if (this.clock === undefined) {
      this.clock = String(Math.round((performance.now() - this.startedAt) * 10) / 10);
      queueMicrotask(() => {
        this.clock = undefined;
      });
    }
    return this.clock;
  }

  private append(line: string): void {
    const part = this.part;
    if (!part) return;
    part.write(line, this.entries++);
    // Counted as text (before compression, in characters: bytes for ASCII), so a part ends at once.
    this.partSize += line.length;
    const max = this.options.maxBytes;
    if (max !== undefined && this.partSize >= max) this.rotate();
  }

  /** The turn/started notification of each turn goes into the index ("open turn 812"). */
  private markTurn(traffic: RecordedTraffic, entry: number): void {
    const message = traffic.message as { method?: unknown; params?: { threadId?: unknown; turn?: { id?: unknown } } };
    if (traffic.direction !== 'in' || message.method !== 'turn/started') return;
    const turnId = message.params?.turn?.id;
    if (typeof turnId !== 'string') return;
    const threadId = message.params?.threadId;
    this.index?.turn({ entry, turnId, ...(typeof threadId === 'string' ? { threadId } : {}) });
  }

  private openPart(number: number): PartWriter {
    const header = `${JSON.stringify({ ...this.header, part: number })}\n`;
    let partStart = true;
    return openPart(partPath(this.path, number), this.gzipped, header, (firstEntry, offset) => {
      // A checkpoint at the start of each part, then about every CHECKPOINT_EVERY entries.
      if (!partStart && firstEntry - this.lastCheckpoint < CHECKPOINT_EVERY) return;
      partStart = false;
      this.lastCheckpoint = firstEntry;
      this.index?.checkpoint({ entry: firstEntry, part: number, offset });
    });
  }

  private rotate(): void {
    this.part?.close();
    this.partNumber++;
    this.partSize = 0;
    this.part = this.openPart(this.partNumber);
  }

  private guard(action: () => void): void {
    if (this.failed) return;
    try {
      action();
    } catch (error) {
      this.failed = true;
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      try {
        this.part?.close();
        this.index?.close();
      } catch {
        // The files are already failing; what reached the disk stays readable.
      }
      this.part = undefined;
      this.options.onProblem?.(`recording stopped: ${this.path}: ${reason}; the session goes on without it`);
    }
  }
}

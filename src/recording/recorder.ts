// A recording: JSON Lines, one header line then one line per message (both directions), per server stderr
// line and per client event, each with `t`, ms since start. Written synchronously as things happen, so a
// crash or a kill loses nothing already received. Secrets are redacted unless asked otherwise.
import { closeSync, openSync, writeSync } from 'node:fs';
import { DbgError } from '../core/errors.ts';

export const RECORDING_FORMAT = 'codex-dbg-recording';
export const RECORDING_VERSION = 1;

export type RecordLine =
  | { t: number; type: 'message'; dir: 'in' | 'out'; message: unknown }
  | { t: number; type: 'stderr'; line: string }
  | { t: number; type: 'event'; event: string; [detail: string]: unknown };

export interface RecordingHeader {
  type: 'header';
  format: typeof RECORDING_FORMAT;
  version: number;
  startedAt: string;
  codexDbg: string;
  redacted: boolean;
}

const SECRET_KEY = /token|authorization|api[-_]?key|secret|password|cookie/i;
export const REDACTED = '[redacted]';

/** A copy with the value of every secret-looking key replaced. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && inner !== null && typeof inner !== 'object' ? REDACTED : redact(inner);
  }
  return out;
}

/**
 * Where a session's record goes as it happens: a recording file, the inspector, or both. `line` is the
 * message's text as it crossed the wire, when known (saves serialising it again).
 */
export interface RecordSink {
  message(dir: 'in' | 'out', message: unknown, line?: string): void;
  stderr(line: string): void;
  event(event: string, detail?: Record<string, unknown>): void;
}

/** One sink that passes everything to each of the given ones (undefined when there is none). */
export function teeSinks(...sinks: (RecordSink | undefined)[]): RecordSink | undefined {
  const present = sinks.filter((sink): sink is RecordSink => sink !== undefined);
  if (present.length <= 1) return present[0];
  return {
    message: (dir, message, line) => present.forEach((sink) => sink.message(dir, message, line)),
    stderr: (line) => present.forEach((sink) => sink.stderr(line)),
    event: (event, detail) => present.forEach((sink) => sink.event(event, detail)),
  };
}

export class Recorder implements RecordSink {
  private fd: number | undefined;
  private readonly startedAt = performance.now();

  constructor(
    readonly path: string,
    private readonly options: { keepSecrets: boolean; version: string },
  ) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new DbgError('E_USAGE', `--record ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const header: RecordingHeader = {
      type: 'header',
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      startedAt: new Date().toISOString(),
      codexDbg: options.version,
      redacted: !options.keepSecrets,
    };
    this.write(header);
  }

  message(dir: 'in' | 'out', message: unknown): void {
    this.write({ t: this.now(), type: 'message', dir, message: this.options.keepSecrets ? message : redact(message) });
  }

  stderr(line: string): void {
    this.write({ t: this.now(), type: 'stderr', line });
  }

  event(event: string, detail: Record<string, unknown> = {}): void {
    this.write({ t: this.now(), type: 'event', event, ...detail });
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private now(): number {
    return Math.round((performance.now() - this.startedAt) * 10) / 10;
  }

  private write(line: object): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }
}

// The recording format, shared by the writer and the readers.
//
// A recording is JSON Lines, plain or gzip (any file that starts with the gzip magic bytes is read as
// gzip, whatever its name). Line 1 is a header; every later line is an entry, each with `t` (ms since the
// recording started):
//   {"type":"header","format":"codex-dbg-recording","version":1,"startedAt","codexDbg","redacted","recordingId","part"}
//   {"t","type":"message","dir":"in"|"out","message":{…the line exactly as it crossed the pipe…}}
//   {"t","type":"stderr","line":"…"}
//   {"t","type":"event","event":"codex"|"scripted-model"|"spawn"|"spawned"|"answered"|"log"|"problem"|"server-exit"|"shutdown",…}
// `redacted: false` means the recording was made with --record-secrets and holds secrets as sent.
// With --record-max-bytes the recording continues in numbered parts (see partPath), each starting with a
// header that carries the same recordingId and its part number; readers follow the parts as one recording.
// Beside the first part, `<file>.idx` indexes it for random access (see index-file.ts).

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
  /** false: made with --record-secrets; tokens and keys are in it as sent. */
  redacted: boolean;
  /** Ties the parts of one recording and its index together (absent in recordings before parts existed). */
  recordingId?: string;
  /** 1 for the first file, 2 for the next part, … (absent means 1). */
  part?: number;
}

/** Files this codex-dbg writes that can hold session content are private to the user. */
export const PRIVATE_FILE_MODE = 0o600;

export const isGzipPath = (path: string) => /\.gz$/i.test(path);

/**
 * The file of part `part` of a recording whose first part is `first`: the number goes before the
 * extensions, so `session.jsonl.gz` continues in `session.2.jsonl.gz`, `session.3.jsonl.gz`, ….
 */
export function partPath(first: string, part: number): string {
  if (part === 1) return first;
  const slash = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
  const name = first.slice(slash + 1);
  const match = /(\.jsonl|\.json|\.ndjson|\.log|\.txt)?(\.gz)?$/i.exec(name);
  const extensions = match?.[0] ?? '';
  const stem = name.slice(0, name.length - extensions.length) || name;
  return `${first.slice(0, slash + 1)}${stem}.${part}${stem === name ? '' : extensions}`;
}

/** The first part's file, given any part's file and its number. */
export function firstPartPath(path: string, part: number): string {
  if (part <= 1) return path;
  const marker = `.${part}`;
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const at = path.lastIndexOf(marker);
  if (at <= slash) return path;
  const candidate = path.slice(0, at) + path.slice(at + marker.length);
  return partPath(candidate, part) === path ? candidate : path;
}

/** The index beside a recording (always named after its first part). */
export const indexPath = (first: string) => `${first}.idx`;

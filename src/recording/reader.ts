// Reads a recording written by Recorder: checks the header (format and version) and each line's shape.
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { DbgError } from '../core/errors.ts';
import { describeIssues } from '../core/messages.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader, type RecordLine } from './recorder.ts';

const Header = v.looseObject({ type: v.literal('header'), format: v.literal(RECORDING_FORMAT), version: v.number(), redacted: v.boolean() });
const Line = v.union([
  v.looseObject({ t: v.number(), type: v.literal('message'), dir: v.picklist(['in', 'out']), message: v.looseObject({}) }),
  v.looseObject({ t: v.number(), type: v.literal('stderr'), line: v.string() }),
  v.looseObject({ t: v.number(), type: v.literal('event'), event: v.string() }),
]);

export interface Recording {
  header: RecordingHeader;
  /** Each entry with its 1-based line number in the file. */
  lines: { number: number; entry: RecordLine }[];
}

export function readRecording(path: string): Recording {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DbgError('E_USAGE', `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const raw = text.split('\n');
  const parse = (line: string, number: number): unknown => {
    try {
      return JSON.parse(line);
    } catch (error) {
      throw new DbgError('E_USAGE', `${path}:${number}: not JSON: ${(error as Error).message}`);
    }
  };
  const header = v.safeParse(Header, parse(raw[0] ?? '', 1));
  if (!header.success) throw new DbgError('E_USAGE', `${path}: not a codex-dbg recording (line 1: ${describeIssues(header.issues)})`);
  if (header.output.version > RECORDING_VERSION) {
    throw new DbgError('E_USAGE', `${path}: recording format version ${header.output.version} is newer than this codex-dbg reads (${RECORDING_VERSION})`);
  }
  const lines: Recording['lines'] = [];
  raw.slice(1).forEach((line, index) => {
    if (line.trim() === '') return;
    const number = index + 2;
    const parsed = v.safeParse(Line, parse(line, number));
    if (!parsed.success) throw new DbgError('E_USAGE', `${path}:${number}: not a recording line: ${describeIssues(parsed.issues)}`);
    lines.push({ number, entry: parsed.output as RecordLine });
  });
  return { header: header.output as unknown as RecordingHeader, lines };
}

// JSON-RPC messages as codex app-server sends them: no "jsonrpc" field, extra top-level fields such as
// emittedAtMs. A message is classified by its keys first and then validated with a loose schema, so the
// error names the one shape it failed and every field the server sent passes through unchanged.
import * as v from 'valibot';

export type RequestId = number | string;

export interface RequestMessage {
  id: RequestId;
  method: string;
  params?: unknown;
  [extra: string]: unknown;
}
export interface NotificationMessage {
  method: string;
  params?: unknown;
  [extra: string]: unknown;
}
export interface ResponseMessage {
  id: RequestId;
  result: unknown;
  [extra: string]: unknown;
}
export interface ErrorObject {
  code: number;
  message: string;
  data?: unknown;
}
export interface ErrorMessage {
  id: RequestId | null;
  error: ErrorObject;
  [extra: string]: unknown;
}

export type Message = RequestMessage | NotificationMessage | ResponseMessage | ErrorMessage;

export type Classified =
  | { kind: 'request'; message: RequestMessage }
  | { kind: 'notification'; message: NotificationMessage }
  | { kind: 'response'; message: ResponseMessage }
  | { kind: 'error'; message: ErrorMessage };

export type MessageKind = Classified['kind'];

const Id = v.union([v.number(), v.string()]);
const RequestSchema = v.looseObject({ id: Id, method: v.string(), params: v.optional(v.unknown()) });
const NotificationSchema = v.looseObject({ method: v.string(), params: v.optional(v.unknown()) });
const ResponseSchema = v.looseObject({ id: Id, result: v.unknown() });
const ErrorSchema = v.looseObject({
  id: v.nullable(Id),
  error: v.looseObject({ code: v.pipe(v.number(), v.integer()), message: v.string(), data: v.optional(v.unknown()) }),
});

/** A line that is not a message says why; `value` is what it parsed to, when it was JSON. */
export type Decoded = { ok: true; value: Classified } | { ok: false; reason: string; value?: unknown };

export function classify(value: unknown): Decoded {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const has = (key: string) => Object.hasOwn(value, key);
  if (has('method')) {
    return has('id')
      ? check('request', RequestSchema, value)
      : check('notification', NotificationSchema, value);
  }
  if (has('error')) return check('error', ErrorSchema, value);
  if (has('result') && has('id')) return check('response', ResponseSchema, value);
  return { ok: false, reason: 'neither a request, a notification nor a response (no "method", "result" or "error")' };
}

const isId = (id: unknown) => typeof id === 'number' || typeof id === 'string';

/**
 * The same rules as the schemas above, as plain checks: this runs for every message (a million a second
 * when a turn streams), and valibot builds a copy of each object it checks. Valibot still decides, and
 * words the error, whenever this says no.
 */
function looksValid(kind: MessageKind, value: Record<string, unknown>): boolean {
  switch (kind) {
    case 'notification':
      return typeof value.method === 'string';
    case 'request':
      return typeof value.method === 'string' && isId(value.id);
    case 'response':
      return isId(value.id);
    case 'error': {
      const error = value.error as Record<string, unknown> | null;
      return (value.id === null || isId(value.id)) && typeof error === 'object' && error !== null && Number.isInteger(error.code) && typeof error.message === 'string';
    }
  }
}

function check(kind: MessageKind, schema: v.GenericSchema, value: unknown): Decoded {
  if (looksValid(kind, value as Record<string, unknown>)) return { ok: true, value: { kind, message: value } as Classified };
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return { ok: true, value: { kind, message: value } as Classified };
  return { ok: false, reason: `malformed ${kind}: ${describeIssues(parsed.issues)}`, value };
}

/** valibot issues as one readable line: "id: expected number | string, got boolean". */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const { path, message } = closestMatch(issue, []);
      return path.length ? `${path.join('.')}: ${message}` : message;
    })
    .join('; ');
}

/**
 * For a value that matched no option of a union, the option it came closest to: the issue deepest into the
 * value, and at equal depth one about a field that is there (not missing, not merely unexpected there).
 * "decision.denied: expected Object" says more than "expected (… | Object)". An option's issues have paths
 * from the union's value on, so the union's own path goes first.
 */
function closestMatch(issue: v.BaseIssue<unknown>, parent: string[]): { path: string[]; message: string; score: number } {
  const path = [...parent, ...(issue.path ?? []).map((p) => String(p.key))];
  const score = path.length * 4 + (issue.input === undefined ? 0 : 2) - (issue.expected === 'never' ? 3 : 0);
  let best = { path, message: issue.message, score };
  for (const inner of issue.issues ?? []) {
    const candidate = closestMatch(inner, path);
    if (candidate.score > best.score) best = candidate;
  }
  return best;
}

export function decodeLine(line: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const decoded = classify(value);
  return decoded.ok ? decoded : { ...decoded, value };
}

/**
 * The text of a top-level member of the JSON object in `line`, exactly as written: for an id that JSON.parse
 * cannot keep (2^60 becomes 1152921504606847000, 1e400 becomes Infinity), so a reply can carry it unchanged.
 * The line must be valid JSON. A repeated member gives the last, as JSON.parse does.
 */
export function rawMember(line: string, name: string): string | undefined {
  let found: string | undefined;
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      const end = stringEnd(line, i);
      if (depth === 1 && expectKey) {
        expectKey = false;
        let at = end + 1;
        while (line[at] !== ':') at++;
        at++;
        while (/\s/.test(line[at] ?? '')) at++;
        if (JSON.parse(line.slice(i, end + 1)) === name) found = line.slice(at, valueEnd(line, at));
        i = at - 1;
        continue;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1 && c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return found;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(line: string, start: number): number {
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return i;
  }
  return line.length;
}

/** Where a scalar value (a number, a string, a literal) starting at `start` ends. */
function valueEnd(line: string, start: number): number {
  if (line[start] === '"') return stringEnd(line, start) + 1;
  let i = start;
  while (i < line.length && !/[\s,}\]]/.test(line[i])) i++;
  return i;
}

/** A line as it can be shown in one line of a message: the first 200 characters and the length. */
export function preview(line: string): string {
  return line.length > 200 ? `${line.slice(0, 200)}… (${line.length} chars)` : line;
}

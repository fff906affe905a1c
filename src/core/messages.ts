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
  error: v.looseObject({ code: v.number(), message: v.string(), data: v.optional(v.unknown()) }),
});

export type Decoded = { ok: true; value: Classified } | { ok: false; reason: string };

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
      return (value.id === null || isId(value.id)) && typeof error === 'object' && error !== null && typeof error.code === 'number' && typeof error.message === 'string';
    }
  }
}

function check(kind: MessageKind, schema: v.GenericSchema, value: unknown): Decoded {
  if (looksValid(kind, value as Record<string, unknown>)) return { ok: true, value: { kind, message: value } as Classified };
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return { ok: true, value: { kind, message: value } as Classified };
  return { ok: false, reason: `malformed ${kind}: ${describeIssues(parsed.issues)}` };
}

/** valibot issues as one readable line: "id: expected number | string, got boolean". */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = issue.path?.map((p) => String(p.key)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export function decodeLine(line: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  return classify(value);
}

/** A line as it can be shown in one line of a message: the first 200 characters and the length. */
export function preview(line: string): string {
  return line.length > 200 ? `${line.slice(0, 200)}… (${line.length} chars)` : line;
}

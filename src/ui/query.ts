// What the page asks the timeline for: the filters (direction, kind, method, thread, errors only) and the
// search box, whose tokens are `method:` (part of the name), `id:` (exact), `thread:` (prefix), `status:`,
// `by:` (who answered), `dur>` / `dur<` (milliseconds, or with s), and plain words (found in the message text).
import type { RowKind } from './columns.ts';

export interface Query {
  dir?: 'in' | 'out';
  kinds?: RowKind[];
  /** Exact method (the filter's list). */
  method?: string;
  /** Parts of the method name (the search box's method:). */
  methodParts: string[];
  ids: string[];
  threads: string[];
  statuses: string[];
  by: string[];
  durAbove?: number;
  durBelow?: number;
  errorsOnly: boolean;
  /** Lower-cased words every matching row's text contains. */
  words: string[];
}

export interface QueryInput {
  dir?: string | null;
  kind?: string | null;
  method?: string | null;
  thread?: string | null;
  errors?: string | null;
  q?: string | null;
}

const KIND_NAMES: Record<string, RowKind[]> = {
  request: ['request'],
  notification: ['notification'],
  response: ['response'],
  error: ['error'],
  reply: ['response', 'error'],
  stderr: ['stderr'],
  event: ['event'],
  rpc: ['request', 'notification', 'response', 'error'],
};

/** "250", "250ms", "1.5s" → milliseconds; undefined when it is not a duration. */
function duration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/** Splits the search box into tokens; "quoted words" stay together. */
function tokens(text: string): string[] {
  return [...text.matchAll(/(\S+?:)?"([^"]*)"|\S+/g)].map((m) => (m[2] !== undefined ? `${m[1] ?? ''}${m[2]}` : m[0]));
}

export function parseQuery(input: QueryInput): Query {
  const query: Query = { methodParts: [], ids: [], threads: [], statuses: [], by: [], errorsOnly: input.errors === '1' || input.errors === 'true', words: [] };
  if (input.dir === 'in' || input.dir === 'out') query.dir = input.dir;
  if (input.kind && KIND_NAMES[input.kind]) query.kinds = KIND_NAMES[input.kind];
  if (input.method) query.method = input.method;
  if (input.thread) query.threads.push(input.thread);
  for (const token of tokens(input.q ?? '')) {
    const range = /^dur([<>])=?(.+)$/.exec(token);
    if (range && duration(range[2]) !== undefined) {
      if (range[1] === '>') query.durAbove = duration(range[2]);
      else query.durBelow = duration(range[2]);
      continue;
    }
    const field = /^(method|id|thread|status|by|kind|dir|is):(.*)$/.exec(token);
    if (!field || field[2] === '') {
      query.words.push(token.toLowerCase());
      continue;
    }
    const value = field[2];
    if (field[1] === 'method') query.methodParts.push(value);
    else if (field[1] === 'id') query.ids.push(value);
    else if (field[1] === 'thread') query.threads.push(value);
    else if (field[1] === 'status') query.statuses.push(value.toLowerCase());
    else if (field[1] === 'by') query.by.push(value);
    else if (field[1] === 'kind' && KIND_NAMES[value]) query.kinds = KIND_NAMES[value];
    else if (field[1] === 'dir' && (value === 'in' || value === 'out')) query.dir = value;
    else if (field[1] === 'is' && value === 'error') query.errorsOnly = true;
    else query.words.push(token.toLowerCase());
  }
  return query;
}

/** True when the query keeps every row (the plain timeline). */
export function isEverything(query: Query): boolean {
  return (
    !query.dir &&
    !query.kinds &&
    !query.method &&
    query.methodParts.length + query.ids.length + query.threads.length + query.statuses.length + query.by.length + query.words.length === 0 &&
    query.durAbove === undefined &&
    query.durBelow === undefined &&
    !query.errorsOnly
  );
}

/** A stable key for caching a query's result. */
export function queryKey(query: Query): string {
  return JSON.stringify(query);
}

// Server error replies in words a person reads at a glance: the first line of the server's message, and for
// an unknown method the nearest known names instead of the ~180 that codex lists (6 KB). The full text is
// for --debug.
import { METHOD_NOT_FOUND } from '../core/connection.ts';
import type { RpcError } from '../core/errors.ts';
import { CLIENT_METHODS } from './client-methods.ts';

/** Longest server message shown without --debug. */
const MAX_SHOWN = 300;

/** serde's wording for an enum tag it does not know: "unknown variant `foo/bar`, expected one of `a`, `b`, …". */
const UNKNOWN_VARIANT = /unknown variant `([^`]*)`(?:, expected (?:one of )?(.*))?/s;

/** The method codex did not know, when the error says so. */
export function unknownMethod(error: RpcError): string | undefined {
  const variant = error.serverMessage.match(UNKNOWN_VARIANT);
  if (variant && variant[1] === error.method) return error.method;
  return error.rpcCode === METHOD_NOT_FOUND ? error.method : undefined;
}

/** The server's message cut to its first line, without the list of every known name. */
export function shortServerMessage(message: string): string {
  const first = message.split('\n', 1)[0].replace(UNKNOWN_VARIANT, 'unknown variant `$1`');
  return first.length > MAX_SHOWN ? `${first.slice(0, MAX_SHOWN)}… (${message.length} chars; --debug shows all)` : first;
}

/** Edit distance where swapping two neighbours counts once ("modle" → "model"), for suggestions. */
function distance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], rows[i - 2][j - 2] + 1);
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}

/** Up to `max` known names nearest to `name` by spelling (or containing it, or contained in it), nearest first. */
export function nearestNames(name: string, known: readonly string[], max = 3): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 4));
  return known
    .map((candidate) => {
      const other = candidate.toLowerCase();
      const contains = other.includes(lower) || lower.includes(other);
      return { candidate, score: distance(lower, other), contains };
    })
    .filter(({ score, contains }) => score <= limit || contains)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map(({ candidate }) => candidate);
}

/** The names an "unknown variant" error lists, when it lists them. */
function namesListed(message: string): string[] {
  const listed = message.match(UNKNOWN_VARIANT)?.[2];
  return listed ? [...listed.matchAll(/`([^`]+)`/g)].map((m) => m[1]) : [];
}

/** "did you mean thread/list, thread/read?" for an unknown method; empty otherwise. */
export function didYouMean(error: RpcError): string[] {
  const method = unknownMethod(error);
  if (method === undefined) return [];
  const listed = namesListed(error.serverMessage);
  return nearestNames(method, listed.length > 0 ? listed : CLIENT_METHODS);
}

/** The server's message as shown: short (with suggestions for an unknown method) unless `debug`. */
export function serverMessageText(error: RpcError, debug: boolean): string {
  if (debug) return error.serverMessage;
  const suggestions = didYouMean(error);
  return `${shortServerMessage(error.serverMessage)}${suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : ''}`;
}

/** The whole line for an error reply: "foo/bar failed: Invalid request: unknown variant `foo/bar` (code -32600); did you mean …". */
export function rpcErrorText(error: RpcError, debug: boolean): string {
  const suggestions = debug ? [] : didYouMean(error);
  const message = debug ? error.serverMessage : shortServerMessage(error.serverMessage);
  return `${error.method} failed: ${message} (code ${error.rpcCode})${suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : ''}`;
}

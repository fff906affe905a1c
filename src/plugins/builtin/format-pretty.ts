// A view for people: assistant text streamed as it arrives, reasoning summaries dimmed, commands with their
// output, file changes as coloured diffs, each server request with the answer it got, turn status and time.
import type { TrafficEntry } from '../../core/connection.ts';
import type { RequestId } from '../../core/messages.ts';
import { definePlugin, type Colors, type Plugin } from '../contract.ts';
import { asDiff, changeLine, colorDiff, commandSummary, fileChanges, mcpSummary, type Item } from './items.ts';

type Params = Record<string, unknown>;
type StreamKind = 'message' | 'reasoning' | 'output';

/** Whole lines and streamed text (written in pieces, without newlines) interleaved, so a line never starts mid-stream. */
class Lines {
  private open: StreamKind | undefined;

  /** A whole line, on a fresh line of its own. */
  line(text: string): string {
    const prefix = this.open ? '\n' : '';
    this.open = undefined;
    return `${prefix}${text}\n`;
  }

  /** A piece of a stream; `head` starts the stream when it is not the one already open. */
  stream(kind: StreamKind, text: string, head: string): string {
    const prefix = this.open === kind ? '' : `${this.open ? '\n' : ''}${head}`;
    this.open = kind;
    return prefix + text;
  }

  /** Ends the stream of this kind if it is open; undefined when it was not. */
  end(kind: StreamKind): string | undefined {
    if (this.open !== kind) return undefined;
    this.open = undefined;
    return '\n';
  }
}

function notificationText(method: string, params: Params, lines: Lines, color: Colors): string | undefined {
  switch (method) {
    case 'thread/started':
      return lines.line(color.dim(`── thread ${(params.thread as { id?: string })?.id} started`));
    case 'turn/started':
      return lines.line(color.dim(`── turn ${(params.turn as { id?: string })?.id} started`));
    case 'turn/completed':
      return lines.line(turnCompletedText((params.turn ?? {}) as Params, color));
    case 'item/agentMessage/delta':
      return lines.stream('message', String(params.delta ?? ''), color.bold('assistant: '));
    case 'item/reasoning/summaryTextDelta':
      return lines.stream('reasoning', color.dim(String(params.delta ?? '')), color.dim('thinking: '));
    case 'item/commandExecution/outputDelta':
      return lines.stream('output', color.dim(String(params.delta ?? '')), '');
    case 'item/started':
      return itemStartedText((params.item ?? {}) as Item, lines, color);
    case 'item/completed':
      return itemCompletedText((params.item ?? {}) as Item, lines, color);
    case 'error': {
      const error = (params.error ?? {}) as { message?: string };
      return lines.line(color.red(`error: ${error.message}${params.willRetry ? ' (retrying)' : ''}`));
    }
    case 'warning':
    case 'configWarning':
      return lines.line(color.yellow(`warning: ${String(params.message ?? params.summary ?? JSON.stringify(params))}`));
    default:
      return undefined;
  }
}

function turnCompletedText(turn: { status?: unknown; durationMs?: unknown; error?: { message?: string } | null }, color: Colors): string {
  const paint = turn.status === 'completed' ? color.green : turn.status === 'interrupted' ? color.yellow : color.red;
  const took = typeof turn.durationMs === 'number' ? ` in ${(turn.durationMs / 1000).toFixed(1)} s` : '';
  const why = turn.error?.message ? `: ${turn.error.message}` : '';
  return paint(`── turn ${turn.status}${took}${why}`);
}

function itemStartedText(item: Item, lines: Lines, color: Colors): string | undefined {
  if (item.type === 'commandExecution') return lines.line(color.cyan(`$ ${item.command}`));
  if (item.type === 'fileChange') {
    const changes = fileChanges(item).map((c) => `  ${color.bold(changeLine(c))}\n${c.diff ? `${colorDiff(asDiff(c), color, '    ')}\n` : ''}`);
    return lines.line(`${color.cyan('file change:')}\n${changes.join('').replace(/\n$/, '')}`);
  }
  return undefined;
}

function itemCompletedText(item: Item, lines: Lines, color: Colors): string | undefined {
  switch (item.type) {
    case 'agentMessage':
      // Streamed already; if no delta came, show the whole text.
      return lines.end('message') ?? lines.line(`${color.bold('assistant: ')}${item.text}`);
    case 'reasoning':
      return lines.end('reasoning');
    case 'plan':
      return lines.line(`${color.magenta('plan:')} ${item.text}`);
    case 'commandExecution':
      return lines.line(`  ${commandSummary(item, color)}`);
    case 'fileChange':
      return lines.line(`  file change ${item.status === 'completed' ? color.green(String(item.status)) : color.red(String(item.status))}`);
    case 'mcpToolCall':
      return lines.line(`  ${mcpSummary(item, color)}`);
    default:
      return undefined;
  }
}

function answerText(result: unknown): string {
  if (result && typeof result === 'object' && 'decision' in result) return `decision ${JSON.stringify((result as { decision: unknown }).decision)}`;
  if (result && typeof result === 'object' && 'token' in result) return 'token (redacted)';
  return JSON.stringify(result);
}

type Shown = { id?: RequestId; method?: string; params?: Params; result?: unknown; error?: { message: string; code: number } };

export function createPretty(): Plugin {
  const lines = new Lines();
  /** Server requests not answered yet, by id: their answer is shown with the method. */
  const serverRequests = new Map<RequestId, string>();

  const incoming = (entry: TrafficEntry, message: Shown, color: Colors): string | undefined => {
    if (entry.kind === 'notification') return notificationText(String(message.method), message.params ?? {}, lines, color);
    if (entry.kind === 'request') {
      serverRequests.set(message.id as RequestId, String(message.method));
      return lines.line(color.yellow(`? server asks ${message.method} (id ${message.id})`));
    }
    if (entry.kind === 'error') return lines.line(color.red(`error reply: ${message.error?.message} (code ${message.error?.code})`));
    return undefined;
  };

  const outgoing = (entry: TrafficEntry, message: Shown, color: Colors): string | undefined => {
    const method = serverRequests.get(message.id as RequestId);
    if ((entry.kind !== 'response' && entry.kind !== 'error') || method === undefined) return undefined;
    serverRequests.delete(message.id as RequestId);
    const answer = entry.kind === 'error' ? color.red(`error ${message.error?.message}`) : answerText(message.result);
    return lines.line(color.yellow(`  ↳ answered ${method}: ${answer}`));
  };

  return definePlugin({
    name: 'pretty',
    description: 'a human view: streamed text, commands, coloured diffs, approvals and their answers',
    format: (entry, ctx) => (entry.direction === 'in' ? incoming : outgoing)(entry, entry.message as Shown, ctx.color),
  });
}

export default createPretty;

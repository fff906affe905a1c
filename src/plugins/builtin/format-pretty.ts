// A view for people: assistant text streamed as it arrives, reasoning summaries dimmed, commands with their
// output, file changes as coloured diffs, each server request with the answer it got, turn status and time.
import type { TrafficEntry } from '../../core/connection.ts';
import type { RequestId } from '../../core/messages.ts';
import { definePlugin, type Colors, type Plugin } from '../contract.ts';
import { changeLine, commandSummary, fileChanges, mcpSummary, type Item } from './items.ts';

type Params = Record<string, unknown>;

export function colorDiff(diff: string, color: Colors): string {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return color.bold(line);
      if (line.startsWith('+')) return color.green(line);
      if (line.startsWith('-')) return color.red(line);
      if (line.startsWith('@@')) return color.cyan(line);
      return line;
    })
    .map((line) => `    ${line}`)
    .join('\n');
}

/** codex sends an added file's diff as its bare content; show it as added lines. */
function asDiff(change: { kind?: { type?: string }; diff?: string }): string {
  const diff = change.diff ?? '';
  if (change.kind?.type !== 'add' || /^@@/m.test(diff)) return diff;
  return diff.replace(/\n$/, '').split('\n').map((line) => `+${line}`).join('\n');
}

function summarizeAnswer(result: unknown): string {
  if (result && typeof result === 'object' && 'decision' in result) return `decision ${JSON.stringify((result as { decision: unknown }).decision)}`;
  if (result && typeof result === 'object' && 'token' in result) return 'token (redacted)';
  return JSON.stringify(result);
}

export function createPretty(): Plugin {
  // Open streams: text written without its newline yet, so the next full line starts on a fresh one.
  let openStream: 'message' | 'reasoning' | 'output' | undefined;
  const serverRequests = new Map<RequestId, string>();

  const line = (text: string): string => {
    const prefix = openStream ? '\n' : '';
    openStream = undefined;
    return `${prefix}${text}\n`;
  };
  const endStream = (): string => {
    openStream = undefined;
    return '\n';
  };
  const stream = (kind: NonNullable<typeof openStream>, text: string, head: string): string => {
    const prefix = openStream === kind ? '' : `${openStream ? '\n' : ''}${head}`;
    openStream = kind;
    return prefix + text;
  };

  function notification(method: string, params: Params, color: Colors): string | undefined {
    switch (method) {
      case 'thread/started':
        return line(color.dim(`── thread ${(params.thread as { id?: string })?.id} started`));
      case 'turn/started':
        return line(color.dim(`── turn ${(params.turn as { id?: string })?.id} started`));
      case 'turn/completed': {
        const turn = (params.turn ?? {}) as { status?: string; durationMs?: number | null; error?: { message?: string } | null };
        const paint = turn.status === 'completed' ? color.green : turn.status === 'interrupted' ? color.yellow : color.red;
        const took = typeof turn.durationMs === 'number' ? ` in ${(turn.durationMs / 1000).toFixed(1)} s` : '';
        const why = turn.error?.message ? `: ${turn.error.message}` : '';
        return line(paint(`── turn ${turn.status}${took}${why}`));
      }
      case 'item/agentMessage/delta':
        return stream('message', String(params.delta ?? ''), color.bold('assistant: '));
      case 'item/reasoning/summaryTextDelta':
        return stream('reasoning', color.dim(String(params.delta ?? '')), color.dim('thinking: '));
      case 'item/commandExecution/outputDelta':
        return stream('output', color.dim(String(params.delta ?? '')), '');
      case 'item/started':
        return itemStarted((params.item ?? {}) as Item, color);
      case 'item/completed':
        return itemCompleted((params.item ?? {}) as Item, color);
      case 'error': {
        const error = (params.error ?? {}) as { message?: string };
        return line(color.red(`error: ${error.message}${params.willRetry ? ' (retrying)' : ''}`));
      }
      case 'warning':
      case 'configWarning':
        return line(color.yellow(`warning: ${String(params.message ?? params.summary ?? JSON.stringify(params))}`));
      default:
        return undefined;
    }
  }

  function itemStarted(item: Item, color: Colors): string | undefined {
    if (item.type === 'commandExecution') return line(color.cyan(`$ ${item.command}`));
    if (item.type === 'fileChange') {
      const changes = fileChanges(item).map((c) => `  ${color.bold(changeLine(c))}\n${c.diff ? `${colorDiff(asDiff(c), color)}\n` : ''}`);
      return line(`${color.cyan('file change:')}\n${changes.join('').replace(/\n$/, '')}`);
    }
    return undefined;
  }

  function itemCompleted(item: Item, color: Colors): string | undefined {
    switch (item.type) {
      case 'agentMessage':
        // Streamed already; if no delta came, show the whole text.
        if (openStream === 'message') return endStream();
        return line(`${color.bold('assistant: ')}${item.text}`);
      case 'reasoning':
        return openStream === 'reasoning' ? endStream() : undefined;
      case 'plan':
        return line(`${color.magenta('plan:')} ${item.text}`);
      case 'commandExecution':
        return line(`  ${commandSummary(item, color)}`);
      case 'fileChange':
        return line(`  file change ${item.status === 'completed' ? color.green(String(item.status)) : color.red(String(item.status))}`);
      case 'mcpToolCall':
        return line(`  ${mcpSummary(item, color)}`);
      default:
        return undefined;
    }
  }

  return definePlugin({
    name: 'pretty',
    description: 'a human view: streamed text, commands, coloured diffs, approvals and their answers',
    format(entry: TrafficEntry, ctx) {
      const { color } = ctx;
      const message = entry.message as { id?: RequestId; method?: string; params?: Params; result?: unknown; error?: { message: string; code: number } };
      if (entry.direction === 'in') {
        if (entry.kind === 'notification') return notification(String(message.method), message.params ?? {}, color);
        if (entry.kind === 'request') {
          serverRequests.set(message.id as RequestId, String(message.method));
          return line(color.yellow(`? server asks ${message.method} (id ${message.id})`));
        }
        if (entry.kind === 'error') return line(color.red(`error reply: ${message.error?.message} (code ${message.error?.code})`));
        return undefined;
      }
      if ((entry.kind === 'response' || entry.kind === 'error') && serverRequests.has(message.id as RequestId)) {
        const method = serverRequests.get(message.id as RequestId);
        serverRequests.delete(message.id as RequestId);
        const answer = entry.kind === 'error' ? color.red(`error ${message.error?.message}`) : summarizeAnswer(message.result);
        return line(color.yellow(`  ↳ answered ${method}: ${answer}`));
      }
      return undefined;
    },
  });
}

export default createPretty;

// Only what finished: assistant messages, plans, commands with their output, file changes, MCP tool calls,
// and why a turn failed. Readable lines, no JSON. What --final-only shows.
import type { TrafficEntry } from '../../core/connection.ts';
import { definePlugin, type Colors } from '../contract.ts';
import { changeLine, commandSummary, fileChanges, mcpSummary, type Item } from './items.ts';

function formatItem(item: Item, color: Colors): string | undefined {
  switch (item.type) {
    case 'agentMessage':
      return `${item.text}\n`;
    case 'plan':
      return `plan: ${item.text}\n`;
    case 'commandExecution': {
      const output = typeof item.aggregatedOutput === 'string' && item.aggregatedOutput ? `${item.aggregatedOutput.replace(/\n?$/, '\n')}` : '';
      return `${commandSummary(item, color)}\n${output}`;
    }
    case 'fileChange':
      return `file change (${item.status}):\n${fileChanges(item).map((c) => `  ${changeLine(c)}\n`).join('')}`;
    case 'mcpToolCall':
      return `${mcpSummary(item, color)}\n`;
    default:
      return undefined;
  }
}

export function formatFinal(entry: TrafficEntry, color: Colors): string | undefined {
  if (entry.direction !== 'in' || entry.kind !== 'notification') return undefined;
  const { method, params } = entry.message as { method: string; params?: Record<string, unknown> };
  if (method === 'item/completed') return formatItem((params?.item ?? {}) as Item, color);
  if (method === 'turn/completed') {
    const turn = (params?.turn ?? {}) as { status?: string; error?: { message?: string } | null };
    if (turn.status === 'failed') return `turn failed: ${turn.error?.message ?? 'no reason given'}\n`;
    if (turn.status === 'interrupted') return 'turn interrupted\n';
  }
  return undefined;
}

export default definePlugin({
  name: 'final',
  description: 'completed messages, plans, commands, file changes and MCP calls as readable lines',
  format: (entry, ctx) => formatFinal(entry, ctx.color),
});

// A formatter: one short line per event. codex-dbg --plugin ./plugins-examples/compact-format.ts --format compact
import { definePlugin, type TrafficEntry } from 'codex-dbg';

const SKIP = new Set(['item/agentMessage/delta', 'item/commandExecution/outputDelta', 'item/reasoning/summaryTextDelta', 'thread/tokenUsage/updated', 'account/rateLimits/updated']);

export function compactLine(entry: TrafficEntry): string | undefined {
  const message = entry.message as { id?: number | string; method?: string; params?: any; result?: any; error?: { message: string } };
  const time = `${(entry.at / 1000).toFixed(3).padStart(8)}s`;
  const arrow = entry.direction === 'in' ? '<-' : '->';
  if (message.method && SKIP.has(message.method)) return undefined;
  if (message.method === 'item/completed') {
    const item = message.params?.item ?? {};
    const detail = item.type === 'agentMessage' ? JSON.stringify(String(item.text).slice(0, 60)) : item.type === 'commandExecution' ? `${item.command} [${item.status}]` : (item.status ?? '');
    return `${time} ${arrow} item ${item.type} ${detail}\n`;
  }
  if (message.method) return `${time} ${arrow} ${message.method}${message.id !== undefined ? ` #${message.id}` : ''}\n`;
  if (message.error) return `${time} ${arrow} error #${message.id}: ${message.error.message}\n`;
  return `${time} ${arrow} reply #${message.id}\n`;
}

export default definePlugin({
  name: 'compact',
  description: 'one short line per message',
  format: (entry) => compactLine(entry),
});

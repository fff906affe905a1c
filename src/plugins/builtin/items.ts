// Readable one-line summaries of thread items, shared by the final and pretty formatters.
import type { Colors } from '../contract.ts';

export type Item = Record<string, unknown> & { type?: string; id?: string };

interface FileChange {
  path: string;
  kind?: { type?: string; move_path?: string | null };
  diff?: string;
}

export function fileChanges(item: Item): FileChange[] {
  return Array.isArray(item.changes) ? (item.changes as FileChange[]) : [];
}

export function statusText(item: Item, color: Colors): string {
  const status = String(item.status ?? '');
  const paint = status === 'completed' ? color.green : status === 'inProgress' ? color.yellow : color.red;
  return paint(status);
}

export function commandSummary(item: Item, color: Colors): string {
  const exit = item.exitCode === null || item.exitCode === undefined ? '' : `, exit ${item.exitCode}`;
  return `$ ${item.command} (${statusText(item, color)}${exit})`;
}

export function changeLine(change: FileChange): string {
  const kind = change.kind?.type ?? 'change';
  const moved = change.kind?.move_path ? ` → ${change.kind.move_path}` : '';
  return `${kind} ${change.path}${moved}`;
}

export function mcpSummary(item: Item, color: Colors): string {
  return `mcp ${item.server}.${item.tool} (${statusText(item, color)})`;
}

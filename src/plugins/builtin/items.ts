// Readable summaries of thread items (one-line summaries, coloured diffs), shared by the formatters and ask.
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

/** A unified diff with added lines green, removed lines red, hunk headers cyan; each line after `indent`. */
export function colorDiff(diff: string, color: Colors, indent = ''): string {
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
    .map((line) => `${indent}${line}`)
    .join('\n');
}

/** codex sends an added file's diff as its bare content; show it as added lines. */
export function asDiff(change: FileChange): string {
  const diff = change.diff ?? '';
  if (change.kind?.type !== 'add' || /^@@/m.test(diff)) return diff;
  return diff.replace(/\n$/, '').split('\n').map((line) => `+${line}`).join('\n');
}

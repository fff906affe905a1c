// The `stats` screen: SessionStats as aligned text, most telling first.
import type { Percentiles, SessionStats } from './stats.ts';

const count = (n: number) => n.toLocaleString('en');

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function percentiles(p: Percentiles): string {
  if (p.count === 0) return '';
  if (p.count === 1) return formatDuration(p.max);
  return `p50 ${formatDuration(p.p50)}, p90 ${formatDuration(p.p90)}, p99 ${formatDuration(p.p99)}, max ${formatDuration(p.max)}`;
}

/** Rows of cells, each column padded to its widest cell. */
function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}`.trimEnd());
}

export function formatStats(stats: SessionStats): string {
  const lines: string[] = [];
  const parts = stats.parts > 1 ? `, ${stats.parts} parts` : '';
  lines.push(`${stats.file}: ${count(stats.entries)} entries, ${formatBytes(stats.bytes)}${parts}, ${stats.redacted ? 'secrets redacted' : 'HOLDS SECRETS (--record-secrets)'}`);
  lines.push(`started ${stats.startedAt} (codex-dbg ${stats.codexDbg}), lasted ${formatDuration(stats.durationMs)}`);

  lines.push('', `messages: ${count(stats.messages.in)} in, ${count(stats.messages.out)} out; the most frequent:`);
  lines.push(...table(stats.methods.map((m) => [m.dir, m.method, count(m.count), formatBytes(m.bytes)])));

  const statuses = Object.entries(stats.turns.byStatus)
    .sort(([, a], [, b]) => b - a)
    .map(([status, n]) => `${count(n)} ${status}`)
    .join(', ');
  lines.push('', `turns: ${count(stats.turns.count)}${statuses ? ` (${statuses})` : ''}`);
  if (stats.turns.durationMs.count) lines.push(`  duration ${percentiles(stats.turns.durationMs)}`);

  lines.push('', `server requests: ${count(stats.serverRequests.count)}`);
  lines.push(
    ...table(
      stats.serverRequests.byAnswer.map((group) => [group.method, group.by === 'unanswered' ? 'UNANSWERED' : `answered by ${group.by}`, `${count(group.count)}×`, percentiles(group.ms)]),
    ),
  );

  const unanswered = stats.clientRequests.unanswered ? `, ${count(stats.clientRequests.unanswered)} without a reply` : '';
  lines.push('', `client requests: ${count(stats.clientRequests.count)}${unanswered}`);
  lines.push(...table(stats.clientRequests.byMethod.map((group) => [group.method, `${count(group.count)}×`, percentiles(group.ms)])));

  const errorCount = stats.errors.reduce((sum, e) => sum + e.count, 0);
  lines.push('', `JSON-RPC errors: ${count(errorCount)}`);
  lines.push(...table(stats.errors.map((e) => [e.dir === 'in' ? 'from server' : 'to server', String(e.code), e.method, `${count(e.count)}×`])));

  lines.push('', `server stderr: ${count(stats.stderrLines)} lines`);
  const events = Object.entries(stats.events)
    .sort(([, a], [, b]) => b - a)
    .map(([event, n]) => `${event} ${count(n)}`)
    .join(', ');
  lines.push(`client events: ${events || 'none'}`);

  if (stats.largest.length) {
    lines.push('', 'largest messages:');
    lines.push(...table(stats.largest.map((m) => [`entry ${m.entry}`, m.dir, m.method, formatBytes(m.bytes), `at ${formatDuration(m.t)}`])));
  }
  if (stats.problems.length) lines.push('', `problems reading the recording: ${stats.problems.length}`, ...stats.problems.map((p) => `  ${p}`));
  return `${lines.join('\n')}\n`;
}

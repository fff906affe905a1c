// Both directions, one JSON object per line: {dir, at, kind, message}. `at` is ms since start.
import { definePlugin } from '../contract.ts';

export default definePlugin({
  name: 'jsonl',
  description: 'both directions as JSON Lines: {"dir","at","kind","message"}',
  format: (entry) =>
    `{"dir":"${entry.direction}","at":${Math.round(entry.at * 10) / 10},"kind":"${entry.kind}","message":${entry.line}}\n`,
});

// Each server line exactly as received: what the Rust debug client prints. A line that is not valid UTF-8
// was decoded with U+FFFD in place of the bad bytes; for it the bytes that arrived are written instead.
import { Buffer } from 'node:buffer';
import { definePlugin } from '../contract.ts';

const NEWLINE = Buffer.from('\n');

export default definePlugin({
  name: 'raw',
  description: 'every server line exactly as received (default)',
  format: (entry) => {
    if (entry.direction !== 'in') return undefined;
    if (entry.bytes && entry.line.includes('\uFFFD')) return Buffer.concat([entry.bytes, NEWLINE]);
    return `${entry.line}\n`;
  },
});

// Each server line exactly as received: what the Rust debug client prints.
import { definePlugin } from '../contract.ts';

export default definePlugin({
  name: 'raw',
  description: 'every server line exactly as received (default)',
  format: (entry) => (entry.direction === 'in' ? `${entry.line}\n` : undefined),
});

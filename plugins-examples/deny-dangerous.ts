// Deny commands that look dangerous, approve every other command and file change.
// codex-dbg --plugin ./plugins-examples/deny-dangerous.ts
// codex-dbg --plugin ./plugins-examples/deny-dangerous.ts:extra=terraform destroy
import { definePlugin } from 'codex-dbg';

const DANGEROUS = [/\brm\s+-[a-z]*r[a-z]*f/i, /\bsudo\b/, /\b(curl|wget)\b[^|]*\|\s*(ba|z)?sh\b/, /\bmkfs\b/, /\bdd\s+if=/, /:\(\)\s*\{\s*:\|:&\s*\};:/, /\bgit\s+push\s+--force\b/];

export function isDangerous(command: string, extra?: string): boolean {
  return DANGEROUS.some((pattern) => pattern.test(command)) || (extra !== undefined && extra !== '' && command.includes(extra));
}

export default definePlugin({
  name: 'deny-dangerous',
  description: 'decline dangerous-looking commands, accept everything else',
  options: { extra: { type: 'string', description: 'one more substring to deny' } },
  handlers: {
    'item/commandExecution/requestApproval': (params, ctx) => {
      const command = params.command ?? '';
      if (isDangerous(command, ctx.options.extra as string | undefined)) {
        ctx.log(`declined: ${command}`);
        return { decision: 'decline' };
      }
      return { decision: 'accept' };
    },
    'item/fileChange/requestApproval': () => ({ decision: 'accept' }),
  },
});

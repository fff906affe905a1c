// Accepts command and file-change approvals (and the legacy v1 ones). Everything else passes on.
import { definePlugin } from '../contract.ts';

export default definePlugin({
  name: 'auto-approve',
  description: 'accept every command and file-change approval',
  options: {
    session: { type: 'boolean', default: false, description: 'answer "acceptForSession" so the server stops asking' },
  },
  handlers: {
    'item/commandExecution/requestApproval': (_params, ctx) => ({ decision: ctx.options.session ? 'acceptForSession' : 'accept' }),
    'item/fileChange/requestApproval': (_params, ctx) => ({ decision: ctx.options.session ? 'acceptForSession' : 'accept' }),
    execCommandApproval: (_params, ctx) => ({ decision: ctx.options.session ? 'approved_for_session' : 'approved' }),
    applyPatchApproval: (_params, ctx) => ({ decision: ctx.options.session ? 'approved_for_session' : 'approved' }),
  },
});

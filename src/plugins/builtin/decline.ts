// Says no to every approval: command and file-change approvals get "decline" (or "cancel", which also ends
// the turn), legacy v1 approvals get {denied}. Other requests pass to the next plugin.
import { definePlugin } from '../contract.ts';

export default definePlugin({
  name: 'decline',
  description: 'decline command and file-change approvals (the default behaviour, made explicit)',
  options: {
    cancel: { type: 'boolean', default: false, description: 'answer "cancel" instead, which also interrupts the turn' },
  },
  handlers: {
    'item/commandExecution/requestApproval': (_params, ctx) => ({ decision: ctx.options.cancel ? 'cancel' : 'decline' }),
    'item/fileChange/requestApproval': (_params, ctx) => ({ decision: ctx.options.cancel ? 'cancel' : 'decline' }),
    execCommandApproval: () => ({ decision: { denied: { rejection: 'declined by codex-dbg (decline plugin)' } } }),
    applyPatchApproval: () => ({ decision: { denied: { rejection: 'declined by codex-dbg (decline plugin)' } } }),
  },
});

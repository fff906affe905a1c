// Asks the person at the terminal: shows the command (or the diff of the file change, from the matching
// item/started) and offers accept / accept for session / decline / cancel. Without a terminal it passes.
import { definePlugin, type Choice, type HandlerContext } from '../contract.ts';
import { asDiff, colorDiff, fileChanges } from './items.ts';

const CHOICES: Choice[] = [
  { key: 'a', label: 'accept' },
  { key: 's', label: 'accept for session' },
  { key: 'd', label: 'decline' },
  { key: 'c', label: 'cancel (also ends the turn)' },
];
const DECISIONS = { a: 'accept', s: 'acceptForSession', d: 'decline', c: 'cancel' } as const;
const LEGACY = { a: 'approved', s: 'approved_for_session' } as const;

async function choose(ctx: HandlerContext, question: string): Promise<keyof typeof DECISIONS | undefined> {
  if (!ctx.interactive) return undefined;
  const key = await ctx.prompt(question, CHOICES);
  return key && key in DECISIONS ? (key as keyof typeof DECISIONS) : undefined;
}

export function describeFileChange(item: Record<string, unknown> | undefined, ctx: HandlerContext): string {
  const changes = fileChanges(item ?? {});
  if (changes.length === 0) return '(the diff was not seen)';
  return changes.map((change) => `${ctx.color.bold(change.path)} (${change.kind?.type ?? 'change'})\n${colorDiff(asDiff(change), ctx.color)}`).join('\n');
}

export default definePlugin({
  name: 'ask',
  description: 'ask at the terminal for each approval (passes when there is no terminal)',
  handlerTimeoutMs: 0,
  handlers: {
    'item/commandExecution/requestApproval': async (params, ctx) => {
      const where = params.cwd ? ` in ${params.cwd}` : '';
      const why = params.reason ? `\n  reason: ${params.reason}` : '';
      const key = await choose(ctx, `run ${ctx.color.bold(params.command ?? '(unknown command)')}${where}?${why}`);
      return key ? { decision: DECISIONS[key] } : undefined;
    },
    'item/fileChange/requestApproval': async (params, ctx) => {
      const why = params.reason ? `\n  reason: ${params.reason}` : '';
      const key = await choose(ctx, `apply this change?${why}\n${describeFileChange(ctx.item(params.itemId), ctx)}`);
      return key ? { decision: DECISIONS[key] } : undefined;
    },
    execCommandApproval: async (params, ctx) => {
      const key = await choose(ctx, `run ${ctx.color.bold(params.command.join(' '))} in ${params.cwd}?`);
      if (!key) return undefined;
      return { decision: key === 'a' || key === 's' ? LEGACY[key] : { denied: { rejection: 'declined at the terminal' } } };
    },
    applyPatchApproval: async (params, ctx) => {
      const key = await choose(ctx, `apply changes to ${Object.keys(params.fileChanges).join(', ')}?`);
      if (!key) return undefined;
      return { decision: key === 'a' || key === 's' ? LEGACY[key] : { denied: { rejection: 'declined at the terminal' } } };
    },
  },
});

// The `ui` plugin: hands the server requests a person decides (approvals, questions, permissions,
// elicitations, tool calls) to the inspector page and answers with what is clicked there. It sits in the
// --plugin order like any other plugin (--ui adds it last unless --plugin ui places it), and when nobody
// clicks before its deadline (--handler-timeout, or ui:timeout=ms) the safe default answers.
// Machine questions (attestation, token refresh, the time) are left to other plugins.
import { safeReply } from '../codex/safe-replies.ts';
import { definePlugin, type GenericHandler, type OptionValue, type Plugin } from '../plugins/contract.ts';
import type { LiveFeed } from './live.ts';

export const BROWSER_METHODS = [
  'item/commandExecution/requestApproval',
  'item/fileChange/requestApproval',
  'item/tool/requestUserInput',
  'item/permissions/requestApproval',
  'mcpServer/elicitation/request',
  'item/tool/call',
  'execCommandApproval',
  'applyPatchApproval',
] as const;

/** A factory for the loader: the plugin asks this session's page, waiting `defaultTimeoutMs` unless told otherwise. */
export function uiPlugin(feed: LiveFeed, defaultTimeoutMs: number): (options: Record<string, OptionValue>) => Plugin {
  return (options) => {
    const timeout = typeof options.timeout === 'number' ? options.timeout : options.timeout === undefined ? undefined : Number(options.timeout);
    const deadline = timeout ?? defaultTimeoutMs;
    const ask: GenericHandler = (params, ctx) => {
      const itemId = (params as { itemId?: unknown } | undefined)?.itemId;
      const item = typeof itemId === 'string' ? ctx.item(itemId) : undefined;
      const fallback = safeReply(ctx.method, params);
      const suggestion = 'result' in fallback ? fallback.result : undefined;
      return feed.ask({ id: ctx.requestId, method: ctx.method, params, item, suggestion }, deadline, ctx.signal);
    };
    return definePlugin({
      name: 'ui',
      description: 'answer approvals and questions by clicking in the inspector page (--ui)',
      options: { timeout: { type: 'number', description: 'ms to wait for a click before the safe default answers (default: --handler-timeout)' } },
      ...(timeout === undefined ? {} : { handlerTimeoutMs: timeout }),
      handlers: Object.fromEntries(BROWSER_METHODS.map((method) => [method, ask])),
    });
  };
}

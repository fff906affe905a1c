// What goes back when no plugin answers a server request: the protocol-shaped "no" for each method
// (protocol-notes.md, "A safe reply for every server request"). Never silence, and never a bare {}.
import { METHOD_NOT_FOUND, type Reply } from '../core/connection.ts';
import type { ServerRequestMethod, ServerRequests } from './protocol.ts';

type Defaults = { [M in ServerRequestMethod]: (params: ServerRequests[M]['params']) => Reply };

const NO_HANDLER = 'codex-dbg: no plugin answered this request';

const defaults: Defaults = {
  'item/commandExecution/requestApproval': () => ({ result: { decision: 'decline' } }),
  'item/fileChange/requestApproval': () => ({ result: { decision: 'decline' } }),
  'item/tool/requestUserInput': () => ({ result: { answers: {} } }),
  'mcpServer/elicitation/request': () => ({ result: { action: 'decline', content: null } }),
  'item/permissions/requestApproval': () => ({ result: { permissions: {}, scope: 'turn' } }),
  'item/tool/call': (params) => ({
    result: {
      success: false,
      contentItems: [{ type: 'inputText', text: `${NO_HANDLER}: no plugin implements the dynamic tool "${params?.tool}"` }],
    },
  }),
  // For these two an empty result fails to deserialize on the server; an error is the honest "no".
  'account/chatgptAuthTokens/refresh': () => ({
    error: { code: METHOD_NOT_FOUND, message: `${NO_HANDLER}: codex-dbg cannot refresh ChatGPT tokens` },
  }),
  'attestation/generate': () => ({
    error: { code: METHOD_NOT_FOUND, message: `${NO_HANDLER}: use --plugin attestation-stub to answer attestation/generate` },
  }),
  'currentTime/read': () => ({ result: { currentTimeAt: Math.floor(Date.now() / 1000) } }),
  applyPatchApproval: () => ({ result: { decision: { denied: { rejection: `${NO_HANDLER}; declined by default` } } } }),
  execCommandApproval: () => ({ result: { decision: { denied: { rejection: `${NO_HANDLER}; declined by default` } } } }),
};

/** By method, in a Map: a method named "constructor" or "__proto__" must not find Object.prototype's members. */
const byMethod = new Map<string, (params: unknown) => Reply>(Object.entries(defaults) as [string, (params: unknown) => Reply][]);

export function safeReply(method: string, params: unknown): Reply {
  const make = byMethod.get(method);
  if (make) return make(params);
  return { error: { code: METHOD_NOT_FOUND, message: `codex-dbg does not know the server request ${method}` } };
}

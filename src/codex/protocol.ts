// The server→client requests of codex app-server (0.169.0), from the schema that the pinned binary generates
// (`codex app-server generate-json-schema`). test/unit/protocol.test.ts checks this list against the binary's
// own schema; the types of each request's params and reply come from the schemas in server-requests.ts.
import type * as v from 'valibot';
import type { ServerRequestSchemas } from './server-requests.ts';

export const SERVER_REQUEST_METHODS = [
  'item/commandExecution/requestApproval',
  'item/fileChange/requestApproval',
  'item/tool/requestUserInput',
  'mcpServer/elicitation/request',
  'item/permissions/requestApproval',
  'item/tool/call',
  'account/chatgptAuthTokens/refresh',
  'attestation/generate',
  'currentTime/read',
  'applyPatchApproval',
  'execCommandApproval',
] as const;

export type ServerRequestMethod = (typeof SERVER_REQUEST_METHODS)[number];

/** Each server request's params and reply, as server-requests.ts checks them (so types and checks cannot drift). */
export type ServerRequests = {
  [M in ServerRequestMethod]: { params: v.InferOutput<ServerRequestSchemas[M]['params']>; result: v.InferOutput<ServerRequestSchemas[M]['result']> };
};

export type CommandApprovalDecision = ServerRequests['item/commandExecution/requestApproval']['result']['decision'];
export type FileChangeApprovalDecision = ServerRequests['item/fileChange/requestApproval']['result']['decision'];
/** The legacy (v1) approval vocabulary. */
export type ReviewDecision = ServerRequests['execCommandApproval']['result']['decision'];

/** `initialize` capabilities a client (and so a plugin) can ask for. */
export interface Capabilities {
  experimentalApi?: boolean;
  requestAttestation?: boolean;
  optOutNotificationMethods?: string[];
  [extra: string]: unknown;
}

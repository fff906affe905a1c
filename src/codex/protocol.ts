// The server→client requests of codex app-server (0.169.0), written by hand from the schema that the pinned
// binary generates (`codex app-server generate-json-schema`). Only what handlers need is typed; unknown fields
// still pass through. test/unit/protocol.test.ts checks this list against the binary's own schema.

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

type Loose = { [extra: string]: unknown };

export type CommandApprovalDecision =
  | 'accept'
  | 'acceptForSession'
  | 'decline'
  | 'cancel'
  | { acceptWithExecpolicyAmendment: { execpolicy_amendment: string[] } }
  | { applyNetworkPolicyAmendment: { network_policy_amendment: { host: string; action: string } } };

export type FileChangeApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** The legacy (v1) approval vocabulary. */
export type ReviewDecision =
  | 'approved'
  | 'approved_for_session'
  | 'approved_mcp_policy_amendment'
  | 'timed_out'
  | 'abort'
  | { approved_execpolicy_amendment: { proposed_execpolicy_amendment: string[] } }
  | { network_policy_amendment: Loose }
  | { denied: { rejection: string } };

interface TurnScoped extends Loose {
  threadId: string;
  turnId: string;
}

export interface ServerRequests {
  'item/commandExecution/requestApproval': {
    params: TurnScoped & {
      itemId: string;
      startedAtMs: number;
      kind?: 'command' | 'humanCommand' | 'writeStdin';
      approvalId?: string | null;
      command?: string | null;
      cwd?: string | null;
      reason?: string | null;
      availableDecisions?: CommandApprovalDecision[] | null;
    };
    result: { decision: CommandApprovalDecision };
  };
  'item/fileChange/requestApproval': {
    params: TurnScoped & { itemId: string; startedAtMs: number; reason?: string | null; grantRoot?: string | null };
    result: { decision: FileChangeApprovalDecision };
  };
  'item/tool/requestUserInput': {
    params: TurnScoped & {
      itemId: string;
      isBlocking: boolean;
      questions: {
        id: string;
        header: string;
        question: string;
        isOther?: boolean;
        isSecret?: boolean;
        options: { label: string; description: string }[] | null;
      }[];
    };
    result: { answers: Record<string, { answers: string[] }> };
  };
  'mcpServer/elicitation/request': {
    params: Loose & { threadId: string; turnId: string | null; serverName: string; mode: string; message?: string };
    result: { action: 'accept' | 'decline' | 'cancel'; content: unknown; _meta?: unknown };
  };
  'item/permissions/requestApproval': {
    params: TurnScoped & { itemId: string; cwd: string; reason: string | null; permissions: Loose };
    result: { permissions: Loose; scope?: 'turn' | 'session'; strictAutoReview?: boolean | null };
  };
  'item/tool/call': {
    params: TurnScoped & { callId: string; namespace: string | null; tool: string; arguments: unknown };
    result: {
      contentItems: ({ type: 'inputText'; text: string } | { type: 'inputImage'; imageUrl: string } | { type: 'inputAudio'; audioUrl: string })[];
      success: boolean;
    };
  };
  'account/chatgptAuthTokens/refresh': {
    params: Loose & { reason: 'unauthorized'; previousAccountId?: string | null };
    result: { accessToken: string; chatgptAccountId: string; chatgptPlanType: string | null };
  };
  'attestation/generate': { params: Loose; result: { token: string } };
  'currentTime/read': { params: Loose & { threadId: string }; result: { currentTimeAt: number } };
  applyPatchApproval: {
    params: Loose & { conversationId: string; callId: string; fileChanges: Record<string, unknown>; reason: string | null };
    result: { decision: ReviewDecision };
  };
  execCommandApproval: {
    params: Loose & { conversationId: string; callId: string; command: string[]; cwd: string; reason: string | null };
    result: { decision: ReviewDecision };
  };
}

/** `initialize` capabilities a client (and so a plugin) can ask for. */
export interface Capabilities {
  experimentalApi?: boolean;
  requestAttestation?: boolean;
  optOutNotificationMethods?: string[];
  [extra: string]: unknown;
}

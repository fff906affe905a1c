// The params and the reply of each server→client request, as valibot schemas taken from the schema the pinned
// codex generates (`codex app-server generate-json-schema --experimental`; test/unit/server-requests.test.ts
// checks them against it). A reply is checked whole, so a plugin can never send one the server would reject.
// Params are checked in the fields handlers are typed to read; objects stay loose, so fields the server adds
// pass through. protocol.ts takes its types from here.
import * as v from 'valibot';
import { describeIssues } from '../core/messages.ts';

const str = v.string();
const int = v.pipe(v.number(), v.integer());
const strings = v.array(str);
/** An optional field that may also be null (`"type": [T, "null"]`, not required). */
const maybe = <S extends v.GenericSchema>(schema: S) => v.optional(v.nullable(schema));
/** valibot's objects and records take an array too; a JSON object is never one. (A variant refuses arrays by its key.) */
const notArray = v.custom<Record<string, unknown>>((input) => !Array.isArray(input), 'Invalid type: Expected Object but received Array');
/** A JSON object with these fields; any other field passes through. */
const object = <E extends v.ObjectEntries>(entries: E) => v.pipe(notArray, v.looseObject(entries));
const record = <S extends v.GenericSchema>(value: S) => v.pipe(notArray, v.record(str, value));

const NetworkPolicyAmendment = object({ host: str, action: v.picklist(['allow', 'deny']) });

const CommandExecutionApprovalDecision = v.union([
  v.picklist(['accept', 'acceptForSession', 'decline', 'cancel']),
  v.strictObject({ acceptWithExecpolicyAmendment: object({ execpolicy_amendment: strings }) }),
  v.strictObject({ applyNetworkPolicyAmendment: object({ network_policy_amendment: NetworkPolicyAmendment }) }),
]);

const FileChangeApprovalDecision = v.picklist(['accept', 'acceptForSession', 'decline', 'cancel']);

/** The legacy (v1) approval vocabulary. */
const ReviewDecision = v.union([
  v.picklist(['approved', 'approved_for_session', 'approved_mcp_policy_amendment', 'timed_out', 'abort']),
  v.strictObject({ approved_execpolicy_amendment: object({ proposed_execpolicy_amendment: strings }) }),
  v.strictObject({ network_policy_amendment: object({ network_policy_amendment: NetworkPolicyAmendment }) }),
  v.strictObject({ denied: object({ rejection: str }) }),
]);

const FileSystemSpecialPath = v.variant('kind', [
  v.looseObject({ kind: v.literal('root') }),
  v.looseObject({ kind: v.literal('minimal') }),
  v.looseObject({ kind: v.literal('project_roots'), subpath: maybe(str) }),
  v.looseObject({ kind: v.literal('tmpdir') }),
  v.looseObject({ kind: v.literal('slash_tmp') }),
  v.looseObject({ kind: v.literal('unknown'), path: str, subpath: maybe(str) }),
]);

const FileSystemPath = v.variant('type', [
  v.looseObject({ type: v.literal('path'), path: str }),
  v.looseObject({ type: v.literal('glob_pattern'), pattern: str }),
  v.looseObject({ type: v.literal('special'), value: FileSystemSpecialPath }),
]);

const GrantedPermissionProfile = object({
  fileSystem: maybe(
    object({
      entries: maybe(v.array(object({ access: v.picklist(['read', 'write', 'deny']), path: FileSystemPath }))),
      globScanMaxDepth: maybe(v.pipe(v.number(), v.integer(), v.minValue(1))),
      read: maybe(strings),
      write: maybe(strings),
    }),
  ),
  network: maybe(object({ enabled: maybe(v.boolean()) })),
});

const TurnScoped = { threadId: str, turnId: str, itemId: str };

/** mcpServer/elicitation/request: fields every mode has, then one shape per mode. */
const elicitation = { threadId: str, turnId: maybe(str), serverName: str, _meta: v.optional(v.unknown()) };

export const SERVER_REQUEST_SCHEMAS = {
  'item/commandExecution/requestApproval': {
    params: object({
      ...TurnScoped,
      startedAtMs: int,
      kind: v.optional(v.picklist(['command', 'writeStdin', 'humanCommand'])),
      approvalId: maybe(str),
      environmentId: maybe(str),
      command: maybe(str),
      cwd: maybe(str),
      reason: maybe(str),
      availableDecisions: maybe(v.array(CommandExecutionApprovalDecision)),
      proposedExecpolicyAmendment: maybe(strings),
      proposedNetworkPolicyAmendments: maybe(v.array(NetworkPolicyAmendment)),
    }),
    result: object({ decision: CommandExecutionApprovalDecision }),
  },
  'item/fileChange/requestApproval': {
    params: object({ ...TurnScoped, startedAtMs: int, reason: maybe(str), grantRoot: maybe(str) }),
    result: object({ decision: FileChangeApprovalDecision }),
  },
  'item/tool/requestUserInput': {
    params: object({
      ...TurnScoped,
      isBlocking: v.boolean(),
      questions: v.array(
        object({
          id: str,
          header: str,
          question: str,
          isOther: v.optional(v.boolean()),
          isSecret: v.optional(v.boolean()),
          options: maybe(v.array(object({ label: str, description: str }))),
        }),
      ),
    }),
    result: object({ answers: record(object({ answers: strings })) }),
  },
  'mcpServer/elicitation/request': {
    params: v.variant('mode', [
      v.looseObject({ ...elicitation, mode: v.literal('openai/userVerification'), challenge: str, description: str, title: str }),
      v.looseObject({ ...elicitation, mode: v.literal('form'), message: str, requestedSchema: v.unknown() }),
      v.looseObject({ ...elicitation, mode: v.literal('openai/form'), message: str, requestedSchema: v.unknown() }),
      v.looseObject({ ...elicitation, mode: v.literal('openaiForm'), message: str, requestedSchema: v.unknown() }),
      v.looseObject({ ...elicitation, mode: v.literal('url'), message: str, url: str, elicitationId: str }),
    ]),
    result: object({ action: v.picklist(['accept', 'decline', 'cancel']), content: v.optional(v.unknown()), _meta: v.optional(v.unknown()) }),
  },
  'item/permissions/requestApproval': {
    params: object({ ...TurnScoped, startedAtMs: int, cwd: str, reason: maybe(str), environmentId: maybe(str), permissions: object({}) }),
    result: object({
      permissions: GrantedPermissionProfile,
      scope: v.optional(v.picklist(['turn', 'session'])),
      strictAutoReview: maybe(v.boolean()),
    }),
  },
  'item/tool/call': {
    params: object({ threadId: str, turnId: str, callId: str, namespace: maybe(str), tool: str, arguments: v.unknown() }),
    result: object({
      contentItems: v.array(
        v.variant('type', [
          v.looseObject({ type: v.literal('inputText'), text: str }),
          v.looseObject({ type: v.literal('inputImage'), imageUrl: str }),
          v.looseObject({ type: v.literal('inputAudio'), audioUrl: str }),
        ]),
      ),
      success: v.boolean(),
    }),
  },
  'account/chatgptAuthTokens/refresh': {
    params: object({ reason: v.picklist(['unauthorized']), previousAccountId: maybe(str) }),
    result: object({ accessToken: str, chatgptAccountId: str, chatgptPlanType: maybe(str) }),
  },
  'attestation/generate': {
    params: object({}),
    result: object({ token: str }),
  },
  'currentTime/read': {
    params: object({ threadId: str }),
    result: object({ currentTimeAt: int }),
  },
  applyPatchApproval: {
    params: object({ conversationId: str, callId: str, fileChanges: record(v.unknown()), reason: maybe(str), grantRoot: maybe(str) }),
    result: object({ decision: ReviewDecision }),
  },
  execCommandApproval: {
    params: object({ conversationId: str, callId: str, approvalId: maybe(str), command: strings, cwd: str, reason: maybe(str), parsedCmd: v.array(v.unknown()) }),
    result: object({ decision: ReviewDecision }),
  },
} satisfies Record<string, { params: v.GenericSchema; result: v.GenericSchema }>;

export type ServerRequestSchemas = typeof SERVER_REQUEST_SCHEMAS;

const schemas = new Map<string, { params: v.GenericSchema; result: v.GenericSchema }>(Object.entries(SERVER_REQUEST_SCHEMAS));

/** Why these params are not what `method` carries, or undefined when they are (or the method is not one we know). */
export function paramsProblem(method: string, params: unknown): string | undefined {
  return problem(schemas.get(method)?.params, params);
}

/** Why this is not a valid reply to `method`, or undefined when it is (or the method is not one we know). */
export function resultProblem(method: string, result: unknown): string | undefined {
  return problem(schemas.get(method)?.result, result);
}

function problem(schema: v.GenericSchema | undefined, value: unknown): string | undefined {
  if (!schema) return undefined;
  const parsed = v.safeParse(schema, value);
  return parsed.success ? undefined : describeIssues(parsed.issues);
}

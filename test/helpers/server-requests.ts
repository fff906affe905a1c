// Fixtures for the 11 server requests: params the server really sends, params that are malformed, and
// results a plugin might wrongly return, each with the reason codex-dbg gives. test/unit/server-requests.test.ts
// checks each fixture against the pinned binary's own schema, so they cannot be wrong by accident.
import type { ServerRequestMethod } from '../../src/codex/protocol.ts';

const turn = { threadId: 'thread-1', turnId: 'turn-1', itemId: 'item-1' };

export const VALID_PARAMS: Record<ServerRequestMethod, unknown> = {
  'item/commandExecution/requestApproval': { ...turn, startedAtMs: 1, command: 'ls', cwd: '/tmp', reason: null },
  'item/fileChange/requestApproval': { ...turn, startedAtMs: 1 },
  'item/tool/requestUserInput': { ...turn, isBlocking: true, questions: [{ id: 'q', header: 'h', question: 'why?', options: null }] },
  'mcpServer/elicitation/request': { threadId: 'thread-1', turnId: null, serverName: 's', mode: 'form', message: 'm', requestedSchema: { type: 'object', properties: {} } },
  'item/permissions/requestApproval': { ...turn, startedAtMs: 1, cwd: '/tmp', reason: null, permissions: {} },
  'item/tool/call': { threadId: 'thread-1', turnId: 'turn-1', callId: 'c', namespace: null, tool: 'lookup', arguments: {} },
  'account/chatgptAuthTokens/refresh': { reason: 'unauthorized' },
  'attestation/generate': {},
  'currentTime/read': { threadId: 'thread-1' },
  applyPatchApproval: { conversationId: 'thread-1', callId: 'c', fileChanges: {}, reason: null },
  execCommandApproval: { conversationId: 'thread-1', callId: 'c', command: ['ls'], cwd: '/', reason: null, parsedCmd: [] },
};

/** Params that are not what the method carries: handlers must never see them. */
export const MALFORMED_PARAMS: Record<ServerRequestMethod, unknown[]> = {
  'item/commandExecution/requestApproval': [null, { ...turn, startedAtMs: 'now' }, { turnId: 'turn-1', itemId: 'i', startedAtMs: 1 }],
  'item/fileChange/requestApproval': [null, 'not an object', { ...turn, startedAtMs: 1, threadId: 7 }],
  'item/tool/requestUserInput': [null, { ...turn, isBlocking: true, questions: [{ id: 'q' }] }],
  'mcpServer/elicitation/request': [null, { threadId: 't', serverName: 's', mode: 'telepathy', message: 'm' }],
  'item/permissions/requestApproval': [null, { ...turn, startedAtMs: 1, cwd: '/', permissions: 'all' }],
  'item/tool/call': [null, { threadId: 't', turnId: 'u', callId: 'c', tool: 42, arguments: {} }],
  'account/chatgptAuthTokens/refresh': [null, { reason: 'bored' }],
  'attestation/generate': [null, []],
  'currentTime/read': [null, {}],
  applyPatchApproval: [null, { conversationId: 'c', callId: 'x', fileChanges: [] }],
  execCommandApproval: [null, { conversationId: 'c', callId: 'x', command: 'ls', cwd: '/', parsedCmd: [] }],
};

/** Results a plugin might return that are not a valid reply, and what the reason must say. */
export const BAD_RESULTS: Record<ServerRequestMethod, { result: unknown; reason: RegExp }[]> = {
  'item/commandExecution/requestApproval': [
    { result: { decision: 'approved' }, reason: /^decision: Invalid type: .*received "approved"/ },
    { result: null, reason: /Expected Object but received null/ },
    { result: { decision: { acceptWithExecpolicyAmendment: {} } }, reason: /^decision\.acceptWithExecpolicyAmendment\.execpolicy_amendment: Invalid key/ },
  ],
  'item/fileChange/requestApproval': [
    { result: null, reason: /Expected Object but received null/ },
    { result: { decision: 'approved' }, reason: /^decision: .*received "approved"/ },
    { result: {}, reason: /^decision: Invalid key/ },
  ],
  'item/tool/requestUserInput': [
    { result: { answers: { q: 'yes' } }, reason: /^answers\.q: Invalid type: Expected Object but received "yes"/ },
    { result: { answers: { q: { answers: 'yes' } } }, reason: /^answers\.q\.answers: Invalid type: Expected Array/ },
  ],
  'mcpServer/elicitation/request': [
    { result: { action: 'accepted' }, reason: /^action: .*received "accepted"/ },
    { result: { content: {} }, reason: /^action: Invalid key/ },
  ],
  'item/permissions/requestApproval': [
    { result: { permissions: {}, scope: 'forever' }, reason: /^scope: Invalid type: .*received "forever"/ },
    { result: { scope: 'turn' }, reason: /^permissions: Invalid key/ },
    { result: { permissions: { network: { enabled: 'yes' } } }, reason: /^permissions\.network\.enabled: / },
  ],
  'item/tool/call': [
    { result: { success: true }, reason: /^contentItems: Invalid key/ },
    { result: { success: 'yes', contentItems: [] }, reason: /^success: Invalid type: Expected boolean/ },
    { result: { success: true, contentItems: [{ type: 'text', text: 'hi' }] }, reason: /^contentItems\.0\.type: / },
  ],
  'account/chatgptAuthTokens/refresh': [{ result: { accessToken: 'a' }, reason: /^chatgptAccountId: Invalid key/ }],
  'attestation/generate': [
    { result: {}, reason: /^token: Invalid key/ },
    { result: { token: 42 }, reason: /^token: Invalid type: Expected string/ },
  ],
  'currentTime/read': [
    { result: { currentTimeAt: 1.5 }, reason: /^currentTimeAt: Invalid integer/ },
    { result: { currentTimeAt: '2024-01-01' }, reason: /^currentTimeAt: Invalid type/ },
  ],
  applyPatchApproval: [{ result: { decision: 'accept' }, reason: /^decision: .*received "accept"/ }],
  execCommandApproval: [
    { result: { decision: 'accept' }, reason: /^decision: .*received "accept"/ },
    { result: { decision: { denied: 'no' } }, reason: /^decision\.denied: Invalid type: Expected Object/ },
  ],
};

// The method tables of one codex version, read from the JSON Schema bundle that its binary generates
// (`codex app-server generate-json-schema`, file codex_app_server_protocol.schemas.json): every client and
// server request, every notification, where its params are defined, whether params may be left out, and
// where its result type is. The validator and `schema diff` read the protocol from here, not from a
// hand-written copy, so they follow whatever codex is in use.

/** A JSON Schema node as the bundle has it (draft-07); only what is read here is typed. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema | JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  definitions?: Record<string, JsonSchema>;
  title?: string;
  [keyword: string]: unknown;
}

export interface SchemaBundle extends JsonSchema {
  definitions: Record<string, JsonSchema> & { v2?: Record<string, JsonSchema> };
}

/** Whether a method's params must be sent, may be left out, or must be left out (typed null). */
export type ParamsRule = 'required' | 'optional' | 'none';

export interface MethodSignature {
  method: string;
  params: ParamsRule;
  /** JSON pointer (from the bundle's root) to the schema of `params`, when it has one. */
  paramsPointer?: string;
  /** JSON pointer to the schema of a request's result, when the bundle has that type. */
  resultPointer?: string;
}

export type MethodKind = 'clientRequest' | 'serverRequest' | 'serverNotification' | 'clientNotification';

export type ProtocolTables = Record<MethodKind, Map<string, MethodSignature>>;

const UNIONS: Record<MethodKind, string> = {
  clientRequest: 'ClientRequest',
  serverRequest: 'ServerRequest',
  serverNotification: 'ServerNotification',
  clientNotification: 'ClientNotification',
};

/**
 * Result types whose name does not follow "<Name>Params" → "<Name>Response" (or whose method has no params
 * type to name it by). The schema does not link a request to its result; codex's Rust source does. Checked
 * against the pinned binary by test/unit/protocol-schema.test.ts.
 */
export const RESULT_TYPE_EXCEPTIONS: Readonly<Record<string, string>> = {
  'memory/reset': 'MemoryResetResponse',
  'rollout/compress': 'RolloutCompressResponse',
  'account/gatewayOAuth/cancel': 'GatewayOAuthCancelResponse',
  'remoteControl/status/read': 'RemoteControlStatusReadResponse',
  'config/mcpServer/reload': 'McpServerRefreshResponse',
  'windowsSandbox/readiness': 'WindowsSandboxReadinessResponse',
  'accountSession/list': 'AccountSessionsResponse',
  'account/logout': 'LogoutAccountResponse',
  'account/securitySetup/read': 'GetAccountSecuritySetupResponse',
  'account/workspaceMessages/read': 'GetWorkspaceMessagesResponse',
  'externalAgentConfig/import/readHistories': 'ExternalAgentConfigImportHistoriesReadResponse',
  'config/value/write': 'ConfigWriteResponse',
  'config/batchWrite': 'ConfigWriteResponse',
  'configRequirements/read': 'ConfigRequirementsReadResponse',
};

/** The pointer of a definition by name: "#/definitions/Name" or "#/definitions/v2/Name"; undefined when absent. */
export function definitionPointer(bundle: SchemaBundle, name: string): string | undefined {
  if (name !== 'v2' && bundle.definitions[name]) return `#/definitions/${name}`;
  if (bundle.definitions.v2?.[name]) return `#/definitions/v2/${name}`;
  return undefined;
}

/** The node a "#/…" pointer names inside the bundle. */
export function resolvePointer(bundle: SchemaBundle, pointer: string): JsonSchema | undefined {
  let node: unknown = bundle;
  for (const part of pointer.replace(/^#\/?/, '').split('/')) {
    if (part === '') continue;
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  return node as JsonSchema | undefined;
}

function refName(schema: JsonSchema | undefined): string | undefined {
  const ref = schema?.$ref ?? schema?.anyOf?.find((branch) => branch.$ref)?.$ref;
  return ref?.split('/').pop();
}

function paramsRule(variant: JsonSchema): ParamsRule {
  if (variant.required?.includes('params')) return 'required';
  const params = variant.properties?.params;
  return !params || params.type === 'null' ? 'none' : 'optional';
}

function resultPointer(bundle: SchemaBundle, method: string, paramsType: string | undefined): string | undefined {
  const name = RESULT_TYPE_EXCEPTIONS[method] ?? paramsType?.replace(/Params$/, 'Response');
  return name ? definitionPointer(bundle, name) : undefined;
}

/** Reads the four method unions of a bundle into tables, by method name. */
export function protocolTables(bundle: SchemaBundle): ProtocolTables {
  const tables = {} as ProtocolTables;
  for (const [kind, union] of Object.entries(UNIONS) as [MethodKind, string][]) {
    const table = new Map<string, MethodSignature>();
    const variants = bundle.definitions[union]?.oneOf ?? [];
    variants.forEach((variant, index) => {
      for (const method of (variant.properties?.method?.enum ?? []) as string[]) {
        const rule = paramsRule(variant);
        const signature: MethodSignature = { method, params: rule };
        if (variant.properties?.params && rule !== 'none') signature.paramsPointer = `#/definitions/${union}/oneOf/${index}/properties/params`;
        if (kind === 'clientRequest' || kind === 'serverRequest') {
          signature.resultPointer = resultPointer(bundle, method, refName(variant.properties?.params));
        }
        table.set(method, signature);
      }
    });
    tables[kind] = table;
  }
  return tables;
}

// The params of a client request typed by a person (`call <method> [json]`, `:call <method> [json]`):
// JSON text, checked before anything is sent, so what goes out is valid by construction. No JSON sends {}
// (codex answers -32600 "missing field `params`" to most methods when params is missing); only methods typed
// without params leave it out. Params must be a JSON object.
import { usageError } from '../core/errors.ts';

/**
 * Client requests whose params are typed null in the pinned codex's schema: params is left out. Sending {}
 * works too (codex accepts missing, null or {}), but only leaving it out matches the schema.
 */
export const METHODS_WITHOUT_PARAMS: ReadonlySet<string> = new Set([
  'memory/reset',
  'rollout/compress',
  'account/gatewayOAuth/cancel',
  'remoteControl/status/read',
  'config/mcpServer/reload',
  'windowsSandbox/readiness',
  'account/logout',
  'account/securitySetup/read',
  'account/workspaceMessages/read',
  'externalAgentConfig/import/readHistories',
  'configRequirements/read',
]);

/** Client requests whose params may be left out (typed "X or null"): left out when no JSON is given. */
export const METHODS_WITH_OPTIONAL_PARAMS: ReadonlySet<string> = new Set([
  'account/gatewayOAuth/read',
  'account/gatewayOAuth/login',
  'remoteControl/enable',
  'remoteControl/disable',
  'account/rateLimits/read',
  'account/usage/read',
]);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * The params to send for `method` from the JSON a person typed (`label` names where, for the error): undefined
 * means leave params out. Throws a usage error for JSON that does not parse or is not an object, and for
 * fields given to a method that takes none.
 */
export function paramsFor(label: string, method: string, json: string | undefined): Record<string, unknown> | undefined {
  const takesNone = METHODS_WITHOUT_PARAMS.has(method);
  if (json === undefined || json.trim() === '') return takesNone || METHODS_WITH_OPTIONAL_PARAMS.has(method) ? undefined : {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw usageError(`${label}: params are not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(`${label}: params must be a JSON object such as {"key": "value"}, not ${kindOf(value)}`);
  }
  if (!takesNone) return value as Record<string, unknown>;
  if (Object.keys(value).length > 0) throw usageError(`${label}: ${method} takes no params; leave the JSON out`);
  return undefined;
}

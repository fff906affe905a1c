// The command-line flags, checked with valibot into one typed object. Anything wrong is a usage error
// (exit 2) with one line that names the flag and the values it takes.
import * as v from 'valibot';
import { usageError } from '../core/errors.ts';
import { parsePluginArg, type PluginSpec } from '../plugins/options.ts';

export const APPROVAL_POLICIES = ['untrusted', 'on-request', 'never'] as const;
export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;

export interface CommonOptions {
  codexBin?: string;
  config: string[];
  threadId?: string;
  approvalPolicy: (typeof APPROVAL_POLICIES)[number];
  sandbox?: (typeof SANDBOX_MODES)[number];
  model?: string;
  modelProvider?: string;
  cwd?: string;
  requestTimeout: number;
  handlerTimeout: number;
  maxLineBytes: number;
  serverLog: boolean;
  color: boolean;
  plugins: PluginSpec[];
  pluginsConfig?: string;
  format?: string;
  experimentalApi: boolean;
  optOut: string[];
  record?: string;
  recordSecrets: boolean;
  scriptedModel?: string;
  /** --ui: serve the inspector page for this session; --open: and open it in a browser. */
  ui: boolean;
  open: boolean;
  /** --ui-secrets: show tokens and keys in the page (redacted by default). */
  uiSecrets: boolean;
  debug: boolean;
}

const list = (value: unknown): string[] =>
  value === undefined || value === false ? [] : (Array.isArray(value) ? value : [value]).map(String);

/** "onRequest" → "on-request": the protocol's camelCase spelling is accepted too. */
const kebab = (value: string) => value.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function picklistFlag<T extends readonly string[]>(flag: string, values: T, given: unknown): T[number] | undefined {
  if (given === undefined) return undefined;
  const value = kebab(String(given));
  if ((values as readonly string[]).includes(value)) return value as T[number];
  if (flag === '--approval-policy' && value === 'on-failure') {
    throw usageError(`--approval-policy on-failure is gone from the app-server protocol; use one of: ${values.join(', ')}`);
  }
  throw usageError(`${flag} ${String(given)}: not a valid value; use one of: ${values.join(', ')}`);
}

const PositiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));
const NonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));

function numberFlag(flag: string, given: unknown, fallback: number, schema: v.GenericSchema<number> = PositiveInt): number {
  if (given === undefined) return fallback;
  const parsed = v.safeParse(schema, typeof given === 'string' && given.trim() !== '' ? Number(given) : given);
  if (!parsed.success) throw usageError(`${flag} ${String(given)}: expected a whole number${schema === PositiveInt ? ' above 0' : ''}`);
  return parsed.output as number;
}

function stringFlag(flag: string, given: unknown): string | undefined {
  if (given === undefined) return undefined;
  if (given === true || given === '' || Array.isArray(given)) throw usageError(`${flag} needs one value`);
  return String(given);
}

export function readCommonOptions(raw: Record<string, unknown>): CommonOptions {
  for (const kv of list(raw.config)) {
    if (!kv.includes('=')) throw usageError(`-c/--config ${kv}: expected key=value`);
  }
  const plugins = list(raw.plugin).map(parsePluginArg);
  if (raw.autoApprove) plugins.push({ ref: 'auto-approve', options: {} });
  if (plugins.some((spec) => spec.ref === 'ui') && !raw.ui) throw usageError('--plugin ui answers from the inspector page: add --ui');
  const format = raw.finalOnly ? 'final' : stringFlag('--format', raw.format);
  if (raw.finalOnly && raw.format !== undefined && raw.format !== 'final') {
    throw usageError('--final-only is --format final; give one or the other');
  }
  return {
    codexBin: stringFlag('--codex-bin', raw.codexBin),
    config: list(raw.config),
    threadId: stringFlag('--thread-id', raw.threadId),
    approvalPolicy: picklistFlag('--approval-policy', APPROVAL_POLICIES, raw.approvalPolicy) ?? 'on-request',
    sandbox: picklistFlag('--sandbox', SANDBOX_MODES, raw.sandbox),
    model: stringFlag('--model', raw.model),
    modelProvider: stringFlag('--model-provider', raw.modelProvider),
    cwd: stringFlag('--cwd', raw.cwd),
    requestTimeout: numberFlag('--request-timeout', raw.requestTimeout, 30_000),
    handlerTimeout: numberFlag('--handler-timeout', raw.handlerTimeout, 10_000, NonNegativeInt),
    maxLineBytes: numberFlag('--max-line-bytes', raw.maxLineBytes, 128 * 1024 * 1024),
    serverLog: Boolean(raw.serverLog),
    color: raw.color !== false,
    plugins,
    pluginsConfig: stringFlag('--plugins-config', raw.pluginsConfig),
    format,
    experimentalApi: raw.experimentalApi !== false,
    optOut: list(raw.optOut),
    record: stringFlag('--record', raw.record),
    recordSecrets: Boolean(raw.recordSecrets),
    scriptedModel: stringFlag('--scripted-model', raw.scriptedModel),
    ui: Boolean(raw.ui) || Boolean(raw.open),
    open: Boolean(raw.open),
    uiSecrets: Boolean(raw.uiSecrets),
    debug: Boolean(raw.debug),
  };
}

/** The thread/start and thread/resume fields the flags set. */
export function threadParams(options: CommonOptions): Record<string, unknown> {
  const params: Record<string, unknown> = { approvalPolicy: options.approvalPolicy };
  if (options.sandbox) params.sandbox = options.sandbox;
  if (options.model) params.model = options.model;
  if (options.modelProvider) params.modelProvider = options.modelProvider;
  if (options.cwd) params.cwd = options.cwd;
  return params;
}

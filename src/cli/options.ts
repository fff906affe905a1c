// The command-line flags, checked with valibot into one typed object. Anything wrong is a usage error
// (exit 2) with one line that names the flag and the values it takes.
import * as v from 'valibot';
import { usageError } from '../core/errors.ts';
import { parsePluginArg, type PluginSpec } from '../plugins/options.ts';
import { parseEndpoint, type Endpoint } from '../transports/endpoint.ts';

export const APPROVAL_POLICIES = ['untrusted', 'on-request', 'never'] as const;
export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
/** --validate (warn), --validate=strict; off when not given. */
export const VALIDATE_MODES = ['off', 'warn', 'strict'] as const;

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
  /** Seconds a turn may take (exec and the interactive session); undefined: no limit. */
  turnTimeout?: number;
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
  /** Rotate the recording to a new numbered part at this size. */
  recordMaxBytes?: number;
  scriptedModel?: string;
  validate: (typeof VALIDATE_MODES)[number];
  /** Seconds of silence before a stall warning; 0: no warnings. */
  stallWarn: number;
  /** --ui: serve the inspector page for this session; --open: and open it in a browser. */
  ui: boolean;
  open: boolean;
  /** --ui-secrets: show tokens and keys in the page (redacted by default). */
  uiSecrets: boolean;
  debug: boolean;
  /** A running server to attach to (--connect), instead of spawning one over stdio. */
  connect?: Endpoint;
  /** Spawn codex listening on ws://127.0.0.1:0 and attach to it (--spawn-listen). */
  spawnListen: boolean;
  /** Where a bearer token comes from: files only, never the token itself. */
  tokenFile?: string;
  jwtSecretFile?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Answer no server request; another client does (--observe). */
  observe: boolean;
  reconnect: boolean;
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
/** Seconds, fractions allowed; finite (Infinity is no number of seconds: leave the flag out for no limit). */
const PositiveNumber = v.pipe(v.number(), v.finite(), v.gtValue(0));

/**
 * A whole number (Infinity and 1.5 are refused). Timeouts of any length are honoured exactly, also past
 * setTimeout's 2^31 − 1 ms (core/timers.ts chains them).
 */
function numberFlag(flag: string, given: unknown, fallback: number, schema: v.GenericSchema<number> = PositiveInt): number {
  if (given === undefined) return fallback;
  const parsed = v.safeParse(schema, typeof given === 'string' && given.trim() !== '' ? Number(given) : given);
  if (!parsed.success) throw usageError(`${flag} ${String(given)}: expected a whole number${schema === PositiveInt ? ' above 0' : ''}`);
  return parsed.output as number;
}

function secondsFlag(flag: string, given: unknown): number | undefined {
  return positiveNumberFlag(flag, given, 'a number of seconds above 0');
}

/** A number above 0, not only whole ones (`--speed 0.5`); `expected` says what it means in the error. */
export function positiveNumberFlag(flag: string, given: unknown, expected: string): number | undefined {
  if (given === undefined) return undefined;
  const parsed = v.safeParse(PositiveNumber, typeof given === 'string' && given.trim() !== '' ? Number(given) : given);
  if (!parsed.success) throw usageError(`${flag} ${String(given)}: expected ${expected}`);
  return parsed.output;
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
  if (raw.recordMaxBytes !== undefined && raw.record === undefined) throw usageError('--record-max-bytes needs --record <file>');
  if (raw.finalOnly && raw.format !== undefined && raw.format !== 'final') {
    throw usageError('--final-only is --format final; give one or the other');
  }
  const attach = readAttachOptions(raw);
  if (attach.connect && list(raw.config).length) throw usageError('-c/--config: with --connect the server runs already, with its own config');
  if (attach.connect && raw.scriptedModel !== undefined) throw usageError('--scripted-model starts its own server; it does not go with --connect (use --spawn-listen)');
  return {
    ...attach,
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
    turnTimeout: secondsFlag('--turn-timeout', raw.turnTimeout),
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
    recordMaxBytes: raw.recordMaxBytes === undefined ? undefined : numberFlag('--record-max-bytes', raw.recordMaxBytes, 0),
    scriptedModel: stringFlag('--scripted-model', raw.scriptedModel),
    validate: raw.validate === undefined ? 'off' : (picklistFlag('--validate', VALIDATE_MODES, raw.validate) ?? 'off'),
    stallWarn: numberFlag('--stall-warn', raw.stallWarn, 30, NonNegativeInt),
    ui: Boolean(raw.ui) || Boolean(raw.open),
    open: Boolean(raw.open),
    uiSecrets: Boolean(raw.uiSecrets),
    debug: Boolean(raw.debug),
  };
}

type AttachOptions = Pick<CommonOptions, 'connect' | 'spawnListen' | 'tokenFile' | 'jwtSecretFile' | 'jwtIssuer' | 'jwtAudience' | 'observe' | 'reconnect'>;

/** Flags that only make sense with --connect or --spawn-listen, and their keys in cac's parsed options. */
const ATTACH_ONLY = [
  ['--token-file', 'tokenFile'],
  ['--jwt-secret-file', 'jwtSecretFile'],
  ['--jwt-issuer', 'jwtIssuer'],
  ['--jwt-audience', 'jwtAudience'],
  ['--observe', 'observe'],
  ['--reconnect', 'reconnect'],
] as const;

/** --connect or --spawn-listen, and the flags that only make sense with one of them. */
function readAttachOptions(raw: Record<string, unknown>): AttachOptions {
  const given = stringFlag('--connect', raw.connect);
  const options: AttachOptions = {
    connect: given === undefined ? undefined : parseEndpoint(given),
    spawnListen: Boolean(raw.spawnListen),
    tokenFile: stringFlag('--token-file', raw.tokenFile),
    jwtSecretFile: stringFlag('--jwt-secret-file', raw.jwtSecretFile),
    jwtIssuer: stringFlag('--jwt-issuer', raw.jwtIssuer),
    jwtAudience: stringFlag('--jwt-audience', raw.jwtAudience),
    observe: Boolean(raw.observe),
    reconnect: Boolean(raw.reconnect),
  };
  if (options.connect && options.spawnListen) throw usageError('--connect attaches to a running server, --spawn-listen starts one: give one or the other');
  if (!options.connect && !options.spawnListen) {
    const stray = ATTACH_ONLY.find(([, key]) => raw[key] !== undefined && raw[key] !== false);
    if (stray) throw usageError(`${stray[0]} goes with --connect <url> or --spawn-listen (a server spawned over stdio has no other client and no auth)`);
  }
  if (options.connect?.kind === 'unix' && (options.tokenFile || options.jwtSecretFile)) {
    throw usageError('--token-file/--jwt-secret-file: a unix:// control socket takes no token (codex ignores --ws-auth there)');
  }
  return options;
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

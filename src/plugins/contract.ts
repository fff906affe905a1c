// The plugin contract, shared by built-in and user plugins. A plugin is a plain object; `definePlugin`
// only gives it types. Nothing here knows any particular plugin.
import type { TrafficEntry } from '../core/connection.ts';
import type { RequestId } from '../core/messages.ts';
import type { Capabilities, ServerRequestMethod, ServerRequests } from '../codex/protocol.ts';

export type OptionValue = string | number | boolean;

export interface OptionSpec {
  type: 'string' | 'number' | 'boolean';
  description?: string;
  default?: OptionValue;
  required?: boolean;
}

export interface Choice {
  key: string;
  label: string;
}

/** Minimal colour functions (kleur's), off when output is not a terminal or NO_COLOR is set. */
export interface Colors {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
  gray(text: string): string;
}

export interface PluginContext {
  /** Options after validation against the plugin's `options` specs, defaults filled in. */
  readonly options: Readonly<Record<string, OptionValue | undefined>>;
  /** Writes one line to stderr, prefixed with the plugin's name. */
  log(text: string): void;
  readonly color: Colors;
  /** True when a person can be asked: stdin and stderr are terminals. */
  readonly interactive: boolean;
  /** Asks the person at the terminal to pick one choice; undefined when nobody can be asked. */
  prompt(question: string, choices: Choice[]): Promise<string | undefined>;
  /** The latest state of a thread item seen in item/started or item/completed (for example a command or a diff). */
  item(itemId: string): Record<string, unknown> | undefined;
}

export interface HandlerContext extends PluginContext {
  readonly requestId: RequestId;
  readonly method: string;
  /** Aborted when the handler's deadline passes; the safe default answers then. */
  readonly signal: AbortSignal;
}

type Awaitable<T> = T | Promise<T>;

/** Return a result to answer, or undefined to pass the request to the next plugin. Throwing sends -32603. */
export type Handler<M extends ServerRequestMethod> = (
  params: ServerRequests[M]['params'],
  ctx: HandlerContext,
) => Awaitable<ServerRequests[M]['result'] | undefined>;

// biome-ignore lint: params of a method we do not type can be anything; `any` lets the typed handlers sit beside it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GenericHandler = (params: any, ctx: HandlerContext) => Awaitable<unknown>;

export type Handlers = { [M in ServerRequestMethod]?: Handler<M> } & { [method: string]: GenericHandler | undefined };

export interface Plugin {
  name: string;
  description?: string;
  /** Options it accepts (`--plugin name:key=value` or --plugins-config); anything else is an error. */
  options?: Record<string, OptionSpec>;
  /** Merged into `initialize` capabilities (booleans are OR-ed, lists joined). */
  capabilities?: Capabilities;
  /** Server-request handlers by method; "*" answers any method no other handler of this plugin takes. */
  handlers?: Handlers;
  /** Deadline for this plugin's handlers in ms (0: none). Default: --handler-timeout. */
  handlerTimeoutMs?: number;
  /** Sees every message in both directions. Must not write to stdout. */
  onMessage?(entry: TrafficEntry, ctx: PluginContext): void;
  /** A formatter: turns a message into text (or bytes) for stdout, or nothing. Only the one picked by --format runs. */
  format?(entry: TrafficEntry, ctx: PluginContext): string | Uint8Array | undefined;
  setup?(ctx: PluginContext): Awaitable<void>;
  dispose?(): Awaitable<void>;
}

/** A plugin module may export a factory instead of an object; it gets the raw options. */
export type PluginFactory = (options: Record<string, OptionValue>) => Awaitable<Plugin>;

export function definePlugin<P extends Plugin>(plugin: P): P {
  return plugin;
}

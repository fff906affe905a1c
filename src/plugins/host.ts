// Runs the loaded plugins: asks handlers in --plugin order (undefined passes to the next), falls back to the
// safe reply when nobody answers, turns a throw into a -32603 reply and a deadline into the safe reply, feeds
// every message to the observers and to the one formatter, and runs setup in order and dispose in reverse.
// What reaches a handler and what leaves it is checked: params that are not what the method carries get the
// safe reply without asking anyone, and a result that is not a valid reply (or not JSON) is replaced by it.
import type { Reply, TrafficEntry } from '../core/connection.ts';
import { INTERNAL_ERROR } from '../core/connection.ts';
import { DbgError } from '../core/errors.ts';
import { toJsonText } from '../core/json.ts';
import type { RequestId, RequestMessage } from '../core/messages.ts';
import { startTimer } from '../core/timers.ts';
import type { Choice, Colors, GenericHandler, HandlerContext, OptionValue, Plugin, PluginContext } from './contract.ts';
import type { Capabilities } from '../codex/protocol.ts';
import { safeReply } from '../codex/safe-replies.ts';
import { paramsProblem, resultProblem } from '../codex/server-requests.ts';

export interface LoadedPlugin {
  plugin: Plugin;
  options: Record<string, OptionValue | undefined>;
}

/** The server request a question is asked for: its signal aborts at the handler's deadline. */
export interface PromptRequest {
  id: RequestId;
  method: string;
  signal: AbortSignal;
}

export interface Prompter {
  ask(question: string, choices: Choice[], request?: PromptRequest): Promise<string | undefined>;
}

export interface HostOptions {
  /** Default deadline for a handler, in ms. */
  handlerTimeoutMs: number;
  log(text: string): void;
  color: Colors;
  prompter?: Prompter;
  /** Told who answered each server request (a plugin's name, or "default"). */
  onAnswer?(request: RequestMessage, reply: Reply, answeredBy: string): void;
}

const MAX_TRACKED_ITEMS = 2000;

/** What the checks replaced by the safe reply in this session. */
export interface AnswerCounts {
  /** Plugin results that were not a valid reply, or not JSON. */
  invalidResults: number;
  /** Server requests whose params were not what their method carries. */
  malformedParams: number;
}

type Answered = { reply: Reply; by: string };
const EXPIRED = Symbol('expired');

export class PluginHost {
  readonly counts: AnswerCounts = { invalidResults: 0, malformedParams: 0 };
  /** Check failures already told (by plugin and method, or by method): a burst gets one line, and the count at the end. */
  private readonly told = new Set<string>();
  private readonly contexts = new Map<Plugin, PluginContext>();
  private readonly items = new Map<string, Record<string, unknown>>();
  private readonly setUp: Plugin[] = [];
  private readonly brokenObservers = new Set<Plugin>();

  constructor(
    readonly plugins: LoadedPlugin[],
    readonly formatter: LoadedPlugin | undefined,
    private readonly options: HostOptions,
  ) {
    for (const loaded of [...plugins, ...(formatter ? [formatter] : [])]) {
      if (!this.contexts.has(loaded.plugin)) this.contexts.set(loaded.plugin, this.makeContext(loaded));
    }
  }

  /** Capabilities every plugin asked for, merged onto the base: booleans OR-ed, lists joined without repeats. */
  capabilities(base: Capabilities): Capabilities {
    const merged: Capabilities = { ...base };
    for (const { plugin } of this.plugins) {
      for (const [key, value] of Object.entries(plugin.capabilities ?? {})) {
        const current = merged[key];
        if (Array.isArray(value)) merged[key] = [...new Set([...(Array.isArray(current) ? current : []), ...value])];
        else if (typeof value === 'boolean') merged[key] = Boolean(current) || value;
        else merged[key] = value;
      }
    }
    return merged;
  }

  /** Runs each plugin's setup in order; one that throws stops the start with E_PLUGIN (exit 2), naming it. */
  async setup(): Promise<void> {
    for (const plugin of this.contexts.keys()) {
      this.setUp.push(plugin);
      try {
        await plugin.setup?.(this.context(plugin));
      } catch (error) {
        if (error instanceof DbgError) throw error;
        throw new DbgError('E_PLUGIN', `plugin "${plugin.name}": setup failed: ${errorText(error)}`, { cause: error });
      }
    }
  }

  /** Always safe to call, more than once too: disposes what was set up, in reverse, and reports failures. */
  async dispose(): Promise<void> {
    const { invalidResults, malformedParams } = this.counts;
    if (invalidResults + malformedParams > 0) {
      this.options.log(
        `the safe reply was sent instead for ${plural(invalidResults, 'invalid plugin result')} and ${plural(malformedParams, 'server request')} with malformed params`,
      );
      this.counts.invalidResults = 0;
      this.counts.malformedParams = 0;
    }
    while (this.setUp.length > 0) {
      const plugin = this.setUp.pop() as Plugin;
      try {
        await plugin.dispose?.();
      } catch (error) {
        this.options.log(`plugin "${plugin.name}": dispose failed: ${errorText(error)}`);
      }
    }
  }

  async answer(request: RequestMessage): Promise<Reply> {
    return (await this.answerWithSource(request)).reply;
  }

  /** The reply and who gave it: a plugin's name, or "default" for the safe reply. */
  async answerWithSource(request: RequestMessage): Promise<Answered> {
    const answered = (await this.askPlugins(request)) ?? { reply: safeReply(request.method, request.params), by: 'default' };
    this.options.onAnswer?.(request, answered.reply, answered.by);
    return answered;
  }

  /** The first plugin's valid answer; undefined when the safe reply must go instead. */
  private async askPlugins(request: RequestMessage): Promise<Answered | undefined> {
    const malformed = paramsProblem(request.method, request.params);
    if (malformed !== undefined) {
      this.counts.malformedParams++;
      this.tellOnce(`malformed ${request.method}`, `${describe(request)} has malformed params (${malformed}); sending the safe reply without asking the plugins`);
      return undefined;
    }
    for (const { plugin } of this.plugins) {
      const handler = handlerFor(plugin, request.method);
      if (!handler) continue;
      const outcome = await this.runHandler(plugin, handler, request);
      if (outcome === 'pass') continue;
      if (outcome === 'timeout') return undefined;
      if ('error' in outcome) return { reply: outcome, by: plugin.name };
      const result = this.checkResult(plugin, request, outcome.result);
      return result === undefined ? undefined : { reply: result, by: plugin.name };
    }
    return undefined;
  }

  /**
   * The result as the server will see it (a JSON copy, so a later change by the plugin cannot reach it), or
   * undefined, with a line naming the plugin, when it is not JSON or not a valid reply to the method.
   */
  private checkResult(plugin: Plugin, request: RequestMessage, result: unknown): Reply | undefined {
    let copy: unknown;
    let problem: string | undefined;
    try {
      copy = JSON.parse(toJsonText(result));
    } catch (error) {
      problem = `it cannot be sent as JSON: ${errorText(error)}`;
    }
    problem ??= resultProblem(request.method, copy);
    if (problem === undefined) return { result: copy };
    this.counts.invalidResults++;
    this.tellOnce(`invalid ${plugin.name} ${request.method}`, `plugin "${plugin.name}" gave an invalid result for ${describe(request)} (${problem}); sending the safe reply instead`);
    return undefined;
  }

  /** The first occurrence of each kind of check failure is told; the rest are counted for the line at the end. */
  private tellOnce(kind: string, text: string): void {
    if (this.told.has(kind)) return;
    this.told.add(kind);
    this.options.log(text);
  }

  /** Feeds the observers, then returns what the formatter makes of the message (or undefined). */
  observe(entry: TrafficEntry): string | Uint8Array | undefined {
    this.track(entry);
    for (const { plugin } of this.plugins) {
      if (!plugin.onMessage || this.brokenObservers.has(plugin)) continue;
      try {
        plugin.onMessage(entry, this.context(plugin));
      } catch (error) {
        // Reported once; a broken observer must not flood stderr or stop the session.
        this.brokenObservers.add(plugin);
        this.options.log(`plugin "${plugin.name}": onMessage failed, ignoring it from now on: ${errorText(error)}`);
      }
    }
    const formatter = this.formatter?.plugin;
    if (!formatter?.format) return undefined;
    try {
      return formatter.format(entry, this.context(formatter));
    } catch (error) {
      this.options.log(`formatter "${formatter.name}" failed on a ${entry.kind}: ${errorText(error)}`);
      return undefined;
    }
  }

  private async runHandler(plugin: Plugin, handler: GenericHandler, request: RequestMessage): Promise<Reply | 'pass' | 'timeout'> {
    const deadline = plugin.handlerTimeoutMs ?? this.options.handlerTimeoutMs;
    const abort = new AbortController();
    const asking: PromptRequest = { id: request.id, method: request.method, signal: abort.signal };
    const ctx: HandlerContext = {
      ...this.context(plugin),
      requestId: request.id,
      method: request.method,
      signal: abort.signal,
      prompt: (question, choices) => this.prompt(question, choices, asking),
    };
    let cancelTimer = () => {};
    const expired = new Promise<typeof EXPIRED>((resolve) => {
      if (deadline > 0) cancelTimer = startTimer(deadline, () => resolve(EXPIRED));
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => handler(request.params, ctx)), expired]);
      if (result === EXPIRED) {
        abort.abort();
        this.options.log(`plugin "${plugin.name}" did not answer ${request.method} within ${deadline} ms; sending the default reply`);
        return 'timeout';
      }
      return result === undefined ? 'pass' : { result };
    } catch (error) {
      this.options.log(`plugin "${plugin.name}" failed on ${request.method}: ${errorText(error)}`);
      return { error: { code: INTERNAL_ERROR, message: `plugin "${plugin.name}" failed: ${errorText(error)}` } };
    } finally {
      cancelTimer();
    }
  }

  /** Remembers thread items by id so handlers can see the command or diff an approval is about. */
  private track(entry: TrafficEntry): void {
    if (entry.kind !== 'notification' || entry.direction !== 'in') return;
    const { method, params } = entry.message as { method: string; params?: { item?: Record<string, unknown> } };
    if (method !== 'item/started' && method !== 'item/completed') return;
    const item = params?.item;
    if (!item || typeof item.id !== 'string') return;
    this.items.delete(item.id);
    this.items.set(item.id, item);
    if (this.items.size > MAX_TRACKED_ITEMS) this.items.delete(this.items.keys().next().value as string);
  }

  private context(plugin: Plugin): PluginContext {
    return this.contexts.get(plugin) as PluginContext;
  }

  private prompt(question: string, choices: Choice[], request?: PromptRequest): Promise<string | undefined> {
    const prompter = this.options.prompter;
    return prompter ? prompter.ask(question, choices, request) : Promise.resolve(undefined);
  }

  private makeContext({ plugin, options }: LoadedPlugin): PluginContext {
    return {
      options,
      color: this.options.color,
      interactive: this.options.prompter !== undefined,
      log: (text) => this.options.log(`[${plugin.name}] ${text}`),
      prompt: (question, choices) => this.prompt(question, choices),
      item: (itemId) => this.items.get(itemId),
    };
  }
}

/** The plugin's own handler for `method`, else its "*" handler. Own keys only: "toString" must not find Object.prototype's. */
function handlerFor(plugin: Plugin, method: string): GenericHandler | undefined {
  const handlers = plugin.handlers as Record<string, GenericHandler | undefined> | undefined;
  if (!handlers) return undefined;
  return (Object.hasOwn(handlers, method) ? handlers[method] : undefined) ?? (Object.hasOwn(handlers, '*') ? handlers['*'] : undefined);
}

function describe(request: RequestMessage): string {
  return `${request.method} (id ${String(request.id)})`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

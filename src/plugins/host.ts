// Runs the loaded plugins: asks handlers in --plugin order (undefined passes to the next), falls back to the
// safe reply when nobody answers, turns a throw into a -32603 reply and a deadline into the safe reply, feeds
// every message to the observers and to the one formatter, and runs setup in order and dispose in reverse.
import type { Reply, TrafficEntry } from '../core/connection.ts';
import { INTERNAL_ERROR } from '../core/connection.ts';
import type { RequestId, RequestMessage } from '../core/messages.ts';
import type { Choice, Colors, GenericHandler, HandlerContext, OptionValue, Plugin, PluginContext } from './contract.ts';
import type { Capabilities } from '../codex/protocol.ts';
import { safeReply } from '../codex/safe-replies.ts';

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

export class PluginHost {
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

  async setup(): Promise<void> {
    for (const plugin of this.contexts.keys()) {
      this.setUp.push(plugin);
      await plugin.setup?.(this.context(plugin));
    }
  }

  /** Always safe to call, more than once too: disposes what was set up, in reverse, and reports failures. */
  async dispose(): Promise<void> {
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
  async answerWithSource(request: RequestMessage): Promise<{ reply: Reply; by: string }> {
    let answered: { reply: Reply; by: string } | undefined;
    for (const { plugin } of this.plugins) {
      const handler = plugin.handlers?.[request.method] ?? plugin.handlers?.['*'];
      if (!handler) continue;
      const outcome = await this.runHandler(plugin, handler as GenericHandler, request);
      if (outcome === 'pass') continue;
      if (outcome !== 'timeout') answered = { reply: outcome, by: plugin.name };
      break;
    }
    answered ??= { reply: safeReply(request.method, request.params), by: 'default' };
    this.options.onAnswer?.(request, answered.reply, answered.by);
    return answered;
  }

  /** Feeds the observers, then returns what the formatter makes of the message (or undefined). */
  observe(entry: TrafficEntry): string | undefined {
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
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      if (deadline > 0) timer = setTimeout(() => resolve('timeout'), deadline);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => handler(request.params, ctx)), expired]);
      if (result === 'timeout') {
        abort.abort();
        this.options.log(`plugin "${plugin.name}" did not answer ${request.method} within ${deadline} ms; sending the default reply`);
        return 'timeout';
      }
      return result === undefined ? 'pass' : { result };
    } catch (error) {
      this.options.log(`plugin "${plugin.name}" failed on ${request.method}: ${errorText(error)}`);
      return { error: { code: INTERNAL_ERROR, message: `plugin "${plugin.name}" failed: ${errorText(error)}` } };
    } finally {
      clearTimeout(timer);
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

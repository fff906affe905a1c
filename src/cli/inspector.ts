// --ui and `view`: the inspector page for the session a command runs (or for a recording). Starts the local
// server, prints its address (with --open, opens it), adds the `ui` plugin that answers from the page, lets
// the page start turns and send methods, and closes it all at the end of the command.
import { CLIENT_METHODS } from '../codex/client-methods.ts';
import type { PluginFactory } from '../plugins/contract.ts';
import type { PluginSpec } from '../plugins/options.ts';
import { pageAssets } from '../ui/assets.ts';
import { LiveFeed } from '../ui/live.ts';
import { openInBrowser } from '../ui/open.ts';
import { uiPlugin } from '../ui/plugin.ts';
import { startInspectorServer, type InspectorServer } from '../ui/server.ts';
import type { SessionView } from '../ui/session-view.ts';
import { VERSION } from '../version.ts';
import type { Live } from './connect.ts';
import type { Scope } from './lifecycle.ts';
import type { CommonOptions } from './options.ts';
import type { Output } from './output.ts';

/** A page that closes (or reloads) counts as gone after this long without one. */
const PAGE_GONE_MS = 1500;

export interface LiveInspector {
  feed: LiveFeed;
  server: InspectorServer;
}

/**
 * Where the inspector's words go. A command's own stderr by default; the tap, whose stderr is the front
 * end's, says them in its side channel and hands the address (it carries the token) to its watchers.
 */
export interface InspectorVoice {
  say(text: string): void;
  /** The address to open, token included; by default said like the rest. */
  tellUrl?(url: string): void;
}

export function stderrVoice(output: Pick<Output, 'stderrLine'>): InspectorVoice {
  return { say: (text) => output.stderrLine(`codex-dbg: ${text}`) };
}

/** Serves a view: starts the server, prints its address, opens it with --open; closed when the scope ends. */
export async function serveInspector(
  scope: Scope,
  view: SessionView<unknown>,
  options: Pick<CommonOptions, 'open'>,
  voice: InspectorVoice,
  live?: LiveFeed,
): Promise<InspectorServer> {
  const server = await startInspectorServer({ view, live, assets: await pageAssets(), clientMethods: CLIENT_METHODS, version: VERSION });
  scope.defer('close the inspector', () => server.close());
  if (voice.tellUrl) voice.tellUrl(server.url);
  else voice.say(`inspector at ${server.url}`);
  if (options.open) {
    const opened = openInBrowser(server.url, (text) => voice.say(text));
    scope.defer('remove the browser redirect file', () => opened.cleanup());
  }
  return server;
}

/** What a live view is of, and whether the page may send to the server (a tap only looks). */
export interface LiveSubject {
  title: string;
  sends: boolean;
}

/** With --ui: the live view of this session and its server (the record goes to `feed`). */
export async function openLiveInspector(
  scope: Scope,
  options: CommonOptions,
  voice: InspectorVoice,
  subject: LiveSubject,
): Promise<LiveInspector | undefined> {
  if (!options.ui) return undefined;
  const feed = new LiveFeed(subject.title, options.uiSecrets, undefined, subject.sends);
  const server = await serveInspector(scope, feed.view as SessionView<unknown>, options, voice, feed);
  // Runs before the server closes (cleanups run in reverse): pages see the end, waiting cards go away.
  scope.defer('end the live view', () => feed.end(feed.view.endedWith ?? 'codex-dbg stopped'));
  return { feed, server };
}

/** The plugin list with `ui` last, unless --plugin ui placed it; and the built-in that answers from the page. */
export function withUiPlugin(
  plugins: PluginSpec[],
  inspector: LiveInspector | undefined,
  handlerTimeoutMs: number,
): { plugins: PluginSpec[]; builtins: Record<string, PluginFactory> } {
  if (!inspector) return { plugins, builtins: {} };
  const placed = plugins.some((spec) => spec.ref === 'ui');
  return {
    plugins: placed ? plugins : [...plugins, { ref: 'ui', options: {} }],
    builtins: { ui: uiPlugin(inspector.feed, handlerTimeoutMs) },
  };
}

/** Lets the page start turns and send methods in this session, and tells it when the session is over. */
export function attachSession(inspector: LiveInspector | undefined, live: Live): void {
  if (!inspector) return;
  const { session } = live;
  inspector.feed.view.info.title = live.transport.peer;
  inspector.feed.controls = {
    async startTurn(text) {
      if (!session.threadId) await session.startThread();
      const running = await session.startTurn(text);
      return { threadId: running.threadId, turnId: running.turnId };
    },
    // The connection of the moment: --reconnect may have replaced the first one.
    call: (method, params) => live.connection.request(method, params),
  };
  live.closed.then((info) => inspector.feed.end(info.message));
}

/**
 * A command that ends on its own (exec) keeps the session and the page while a page is open, so what it
 * did can be looked at: until the page has been opened and then closed, or `stop` resolves (Ctrl-C).
 */
export async function holdWhilePageOpen(inspector: LiveInspector | undefined, output: Output, stop: Promise<unknown>): Promise<void> {
  if (!inspector) return;
  const { server } = inspector;
  output.stderrLine(`codex-dbg: the inspector stays at ${server.url} until its page is closed (Ctrl-C to exit now)`);
  let seen = server.pages() > 0;
  const gone = new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = (count: number) => {
      clearTimeout(timer);
      if (count > 0) seen = true;
      else if (seen) timer = setTimeout(resolve, PAGE_GONE_MS);
    };
    server.onPages(check);
    check(server.pages());
  });
  await Promise.race([gone, stop]);
}

// The steps a command sets up, each registering its own cleanup in the command's scope: output, plugins and
// the formatter, the recording, the scripted world, and the session with a server. Checks come before
// anything is made (plugins load, codex is found), so a bad flag leaves nothing behind.
import type { Writable } from 'node:stream';
import kleur from 'kleur';
import * as api from '../api.ts';
import { usageError } from '../core/errors.ts';
import type { Colors } from '../plugins/contract.ts';
import { PluginHost, type LoadedPlugin, type Prompter } from '../plugins/host.ts';
import { loadPlugin, loadPlugins } from '../plugins/loader.ts';
import { readPluginsConfig } from '../plugins/options.ts';
import { builtinFormatters, builtinPlugins } from '../plugins/builtin/index.ts';
import { Recorder, teeSinks, type RecordSink } from '../recording/recorder.ts';
import { readScriptFile, startScriptedWorld, type ScriptedWorld } from '../scripted/world.ts';
import { locateCodex, type CodexLocation } from '../transports/locate-codex.ts';
import { ChildProcessTransport } from '../transports/stdio.ts';
import { VERSION } from '../version.ts';
import { connect, type Live } from './connect.ts';
import { attachSession, openLiveInspector, withUiPlugin, type LiveInspector } from './inspector.ts';
import type { Scope } from './lifecycle.ts';
import { threadParams, type CommonOptions } from './options.ts';
import { Output } from './output.ts';

export const CLIENT_INFO = { name: 'codex_dbg', title: 'codex-dbg', version: VERSION };

/** How long the server gets to exit after its stdin closes, and again after SIGTERM. */
const SHUTDOWN_GRACE_MS = 2000;

export function useColor(options: { color: boolean }): Colors {
  const env = process.env;
  kleur.enabled = options.color && !env.NO_COLOR && (Boolean(env.FORCE_COLOR) || Boolean(process.stdout.isTTY));
  return kleur;
}

/** stdout for formatted traffic (or `formatterStream`: `call` keeps stdout for its result) and stderr for our lines. */
export function openOutput(scope: Scope, formatterStream: Writable = process.stdout): Output {
  const output = new Output(formatterStream, process.stderr);
  scope.defer('flush output', () => output.end());
  return output;
}

export interface PluginSet {
  plugins: LoadedPlugin[];
  formatter?: LoadedPlugin;
}

/**
 * Loads the --plugin list and the formatter (`defaultFormat` unless --format says otherwise; none when undefined).
 * With the inspector, its `ui` plugin joins the list.
 */
export async function loadPluginSet(options: CommonOptions, defaultFormat: string | undefined, inspector?: LiveInspector): Promise<PluginSet> {
  const config = options.pluginsConfig ? readPluginsConfig(options.pluginsConfig) : undefined;
  const ui = withUiPlugin(options.plugins, inspector, options.handlerTimeout);
  const loaderOptions = { builtins: { ...builtinPlugins, ...ui.builtins }, config, api: api as Record<string, unknown> };
  const plugins = await loadPlugins(ui.plugins, loaderOptions);
  const name = options.format ?? defaultFormat;
  if (!name) return { plugins };
  const formatter = plugins.find(({ plugin }) => plugin.name === name) ?? (await loadPlugin({ ref: name, options: {} }, loaderOptions));
  if (!formatter.plugin.format) {
    throw usageError(`--format ${name}: "${formatter.plugin.name}" is not a formatter (built-in formatters: ${builtinFormatters.join(', ')})`);
  }
  return { plugins, formatter };
}

export function openRecorder(scope: Scope, options: CommonOptions): Recorder | undefined {
  if (!options.record) return undefined;
  const recorder = new Recorder(options.record, { keepSecrets: options.recordSecrets, version: VERSION });
  scope.defer('close the recording', () => recorder.close());
  return recorder;
}

export interface HostSetup {
  output: Output;
  color: Colors;
  recorder?: RecordSink;
  prompter?: Prompter;
}

/** Runs the plugins' setup in order; their dispose runs in reverse at the end. */
export async function startPlugins(scope: Scope, set: PluginSet, options: CommonOptions, setup: HostSetup): Promise<PluginHost> {
  const { output, recorder } = setup;
  const host = new PluginHost(set.plugins, set.formatter, {
    handlerTimeoutMs: options.handlerTimeout,
    color: setup.color,
    prompter: setup.prompter,
    log: (text) => {
      recorder?.event('log', { text });
      output.stderrLine(text);
    },
    onAnswer: (request, _reply, answeredBy) => recorder?.event('answered', { id: request.id, method: request.method, by: answeredBy }),
  });
  scope.defer('dispose plugins', () => host.dispose());
  await host.setup();
  return host;
}

/** The scripted model and throwaway CODEX_HOME that --scripted-model asks for, removed at the end. */
export async function startScriptedModel(scope: Scope, options: CommonOptions, recorder?: RecordSink): Promise<ScriptedWorld | undefined> {
  if (!options.scriptedModel) return undefined;
  const script = readScriptFile(options.scriptedModel);
  const world = await startScriptedWorld(script);
  scope.defer('stop the scripted model', () => world.dispose());
  recorder?.event('scripted-model', { url: world.model.url, codexHome: world.home });
  return world;
}

export interface ServerSetup {
  host: PluginHost;
  output: Output;
  recorder?: RecordSink;
  codex: CodexLocation;
  /** Points codex at a scripted model (its -c overrides and environment). */
  world?: ScriptedWorld;
}

/** Spawns `codex app-server` and does the handshake; at the end the server is shut down gracefully. */
export async function startServer(scope: Scope, options: CommonOptions, setup: ServerSetup): Promise<Live> {
  const { output, recorder, world } = setup;
  const args = [...[...options.config, ...(world?.overrides ?? [])].flatMap((kv) => ['--config', kv]), 'app-server'];
  recorder?.event('spawn', { bin: setup.codex.path, args });
  const transport = new ChildProcessTransport({
    bin: setup.codex.path,
    args,
    env: world?.env,
    maxLineBytes: options.maxLineBytes,
    onStderrLine: (line) => {
      recorder?.stderr(line);
      if (options.serverLog) output.stderrLine(line);
    },
  });
  scope.defer('stop the server', async () => {
    const ended = await transport.close(SHUTDOWN_GRACE_MS);
    recorder?.event('shutdown', ended.facts);
  });
  return connect({
    transport,
    host: setup.host,
    output,
    recorder,
    requestTimeoutMs: options.requestTimeout,
    clientInfo: CLIENT_INFO,
    capabilities: {
      experimentalApi: options.experimentalApi,
      ...(options.optOut.length ? { optOutNotificationMethods: options.optOut } : {}),
    },
    threadParams: threadParams(options),
    onStarted: () => recorder?.event('spawned', { pid: transport.pid }),
  });
}

export interface SessionSetup {
  output: Output;
  /** The formatter when --format is not given (none: undefined). */
  defaultFormat: string | undefined;
  /** Asks the person at the terminal for a plugin. */
  prompter?: Prompter;
}

export interface Started {
  color: Colors;
  host: PluginHost;
  recorder?: RecordSink;
  live: Live;
  /** The inspector page, with --ui. */
  inspector?: LiveInspector;
}

/** Every step after output, in order, for a command that talks to a server: exec, call, the interactive session. */
export async function startSession(scope: Scope, options: CommonOptions, setup: SessionSetup): Promise<Started> {
  const { output } = setup;
  const color = useColor(options);
  const codex = locateCodex({ codexBin: options.codexBin });
  const inspector = await openLiveInspector(scope, options, output);
  const set = await loadPluginSet(options, setup.defaultFormat, inspector);
  // The session's record goes to the --record file and to the inspector alike.
  const recorder = teeSinks(openRecorder(scope, options), inspector?.feed);
  recorder?.event('codex', { path: codex.path, source: codex.source });
  const host = await startPlugins(scope, set, options, { output, color, recorder, prompter: setup.prompter });
  const world = await startScriptedModel(scope, options, recorder);
  const live = await startServer(scope, options, { host, output, recorder, codex, world });
  attachSession(inspector, live);
  return { color, host, recorder, live, inspector };
}

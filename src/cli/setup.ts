// The steps a command sets up, each registering its own cleanup in the command's scope: output, plugins and
// the formatter, the recording, the scripted world, and the session with a server. Checks come before
// anything is made (plugins load, codex is found), so a bad flag leaves nothing behind.
import type { Writable } from 'node:stream';
import kleur from 'kleur';
import * as api from '../api.ts';
import { DbgError, usageError } from '../core/errors.ts';
import type { Colors } from '../plugins/contract.ts';
import { PluginHost, type LoadedPlugin, type Prompter } from '../plugins/host.ts';
import { loadPlugin, loadPlugins } from '../plugins/loader.ts';
import { readPluginsConfig } from '../plugins/options.ts';
import { builtinFormatters, builtinPlugins } from '../plugins/builtin/index.ts';
import { Recorder, teeSinks, type RecordSink } from '../recording/recorder.ts';
import { readScriptFile, startScriptedWorld, type ScriptedWorld } from '../scripted/world.ts';
import { bearerSource, type BearerSource } from '../transports/bearer.ts';
import { parseEndpoint } from '../transports/endpoint.ts';
import { ListeningServer } from '../transports/listening-server.ts';
import { locateCodex, type CodexLocation } from '../transports/locate-codex.ts';
import { ChildProcessTransport } from '../transports/stdio.ts';
import { VERSION } from '../version.ts';
import { connect, type Live, type ReconnectPolicy } from './connect.ts';
import { attachSession, openLiveInspector, stderrVoice, withUiPlugin, type LiveInspector } from './inspector.ts';
import type { Scope } from './lifecycle.ts';
import { threadParams, type CommonOptions } from './options.ts';
import { Output } from './output.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { startValidation, type Validation } from './validation.ts';
import { watchStalls } from './watch-stalls.ts';

export const CLIENT_INFO = { name: 'codex_dbg', title: 'codex-dbg', version: VERSION };

/** How long the server gets to exit after its stdin closes, and again after SIGTERM. */
const SHUTDOWN_GRACE_MS = 2000;
/** A minted bearer token only has to last through the handshake; each connection gets a fresh one. */
const JWT_TTL_SECONDS = 60;
/** --reconnect: about 30 s of tries, 0.5 s apart at first, doubling up to 8 s. */
const RECONNECT = { attempts: 7, firstDelayMs: 500, maxDelayMs: 8000 };

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
  const formatter = plugins.find(({ plugin }) => plugin.name === name) ?? (await loadFormatter(name, loaderOptions));
  if (!formatter.plugin.format) {
    throw usageError(`--format ${name}: "${formatter.plugin.name}" is not a formatter (built-in formatters: ${builtinFormatters.join(', ')})`);
  }
  return { plugins, formatter };
}

/** A formatter by name; a name that is neither a built-in nor a file or package is a mistyped format. */
async function loadFormatter(name: string, loaderOptions: Parameters<typeof loadPlugin>[1]): Promise<LoadedPlugin> {
  try {
    return await loadPlugin({ ref: name, options: {} }, loaderOptions);
  } catch (error) {
    const unknown = error instanceof DbgError && error.code === 'E_USAGE' && !Object.hasOwn(builtinPlugins, name);
    if (!unknown) throw error;
    throw usageError(
      `--format ${name}: no such format${didYouMean(name, builtinFormatters)}; the formats are ${builtinFormatters.join(', ')}, or a formatter plugin's file or package`,
    );
  }
}

/** The --record file (gzip for .gz, numbered parts past --record-max-bytes); a write failure is told once with `say`. */
export function openRecorder(scope: Scope, options: CommonOptions, say: (text: string) => void): Recorder | undefined {
  if (!options.record) return undefined;
  const recorder = new Recorder(options.record, {
    keepSecrets: options.recordSecrets,
    version: VERSION,
    maxBytes: options.recordMaxBytes,
    onProblem: say,
  });
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
  /** Absent with --connect: the server runs already. */
  codex?: CodexLocation;
  /** Points codex at a scripted model (its -c overrides and environment). */
  world?: ScriptedWorld;
  /** Checks every message against the schema (--validate). */
  validation?: Validation;
  /** The token for --connect or --spawn-listen. */
  bearer?: BearerSource;
}

/**
 * A session with a server: spawned over stdio (the default), or attached to with --connect or --spawn-listen;
 * then watched for stalls (--stall-warn).
 */
export async function startServer(scope: Scope, options: CommonOptions, setup: ServerSetup): Promise<Live> {
  const live = options.connect || options.spawnListen ? await attachServer(scope, options, setup) : await spawnServer(scope, options, setup);
  watchStalls(scope, live.activity, options.stallWarn, (text) => setup.output.stderrLine(text));
  return live;
}

/** Spawns `codex app-server` over stdio and does the handshake; at the end the server is shut down gracefully. */
async function spawnServer(scope: Scope, options: CommonOptions, setup: ServerSetup): Promise<Live> {
  const { output, recorder, world } = setup;
  const codex = setup.codex ?? locateCodex({ codexBin: options.codexBin });
  const args = [...configArgs(options, world), 'app-server'];
  recorder?.event('spawn', { bin: codex.path, args });
  const transport = new ChildProcessTransport({
    bin: codex.path,
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
    ...liveOptions(options, setup),
    transport,
    onStarted: () => recorder?.event('spawned', { pid: transport.pid }),
  });
}

/** --config overrides (the user's, then the scripted world's), as codex takes them. */
function configArgs(options: CommonOptions, world?: ScriptedWorld): string[] {
  return [...options.config, ...(world?.overrides ?? [])].flatMap((kv) => ['--config', kv]);
}

function liveOptions(options: CommonOptions, setup: ServerSetup) {
  return {
    host: setup.host,
    output: setup.output,
    recorder: setup.recorder,
    requestTimeoutMs: options.requestTimeout,
    clientInfo: CLIENT_INFO,
    capabilities: {
      experimentalApi: options.experimentalApi,
      ...(options.optOut.length ? { optOutNotificationMethods: options.optOut } : {}),
    },
    threadParams: threadParams(options),
    observers: setup.validation ? [setup.validation.observe] : [],
    observe: options.observe,
  };
}

/**
 * Attaches over WebSocket: to the server --connect names, or to one spawned here with --spawn-listen
 * (`codex app-server --listen ws://127.0.0.1:0`, asking for the same token codex-dbg presents), whose
 * URL is printed for a second client. The token only ever reaches the handshake header.
 */
async function attachServer(scope: Scope, options: CommonOptions, setup: ServerSetup): Promise<Live> {
  const { output, recorder, bearer } = setup;
  let server: ListeningServer | undefined;
  let endpoint = options.connect;
  if (!endpoint) {
    const codex = setup.codex ?? locateCodex({ codexBin: options.codexBin });
    const serverArgs = spawnAuthArgs(options, bearer);
    const shown = serverArgs.map((arg) => (arg === bearer?.sha256 ? '[sha256 of the token]' : arg));
    recorder?.event('spawn', { bin: codex.path, args: [...configArgs(options, setup.world), 'app-server', '--listen', 'ws://127.0.0.1:0', ...shown] });
    server = await ListeningServer.start({
      bin: codex.path,
      globalArgs: configArgs(options, setup.world),
      listen: 'ws://127.0.0.1:0',
      serverArgs,
      env: setup.world?.env,
      onStderrLine: (line) => {
        recorder?.stderr(line);
        if (options.serverLog) output.stderrLine(line);
      },
    });
    const spawned = server;
    scope.defer('stop the server', async () => recorder?.event('server-stopped', { ...(await spawned.stop(SHUTDOWN_GRACE_MS)) }));
    recorder?.event('spawned', { pid: server.pid, url: server.url });
    endpoint = parseEndpoint(server.url);
    const how = options.tokenFile ? ` --token-file ${options.tokenFile}` : options.jwtSecretFile ? ` --jwt-secret-file ${options.jwtSecretFile}` : '';
    output.stderrLine(`codex-dbg: codex app-server (pid ${server.pid}) listens on ${server.url}; a second client: codex-dbg --connect ${server.url}${how}`);
  }
  const target = endpoint;
  // Loaded only when used: the WebSocket library is most of the bundle's size, and stdio sessions never need it.
  const { WebSocketTransport } = await import('../transports/websocket.ts');
  const open = () =>
    new WebSocketTransport({
      endpoint: target,
      bearer,
      maxMessageBytes: options.maxLineBytes,
      diagnose: server ? () => (server as ListeningServer).diagnosis() : undefined,
    });
  const transport = open();
  recorder?.event('connect', { url: target.display, auth: bearer?.describe ?? 'none' });
  let live: Live | undefined;
  scope.defer('close the connection', async () => {
    const ended = await (live ? live.close(SHUTDOWN_GRACE_MS) : transport.close(SHUTDOWN_GRACE_MS));
    recorder?.event('shutdown', ended.facts);
  });
  const reconnect: ReconnectPolicy | undefined = options.reconnect ? { open, ...RECONNECT } : undefined;
  live = await connect({ ...liveOptions(options, setup), transport, reconnect, onStarted: () => recorder?.event('connected', { url: target.display }) });
  return live;
}

/** The `--ws-auth` flags that make a spawned server ask for the token codex-dbg was given (a token itself never goes on a command line). */
function spawnAuthArgs(options: CommonOptions, bearer: BearerSource | undefined): string[] {
  if (options.tokenFile) return ['--ws-auth', 'capability-token', '--ws-token-file', options.tokenFile];
  if (options.jwtSecretFile) {
    return [
      '--ws-auth',
      'signed-bearer-token',
      '--ws-shared-secret-file',
      options.jwtSecretFile,
      ...(options.jwtIssuer ? ['--ws-issuer', options.jwtIssuer] : []),
      ...(options.jwtAudience ? ['--ws-audience', options.jwtAudience] : []),
    ];
  }
  if (bearer?.sha256) return ['--ws-auth', 'capability-token', '--ws-token-sha256', bearer.sha256];
  return [];
}

/** The bearer token source the flags name (read now, so a bad file fails before anything starts). */
export function readBearer(options: CommonOptions): BearerSource | undefined {
  if (!options.connect && !options.spawnListen) return undefined;
  return bearerSource({ ...options, jwtTtlSeconds: JWT_TTL_SECONDS });
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
  validation?: Validation;
  /** The inspector page, with --ui. */
  inspector?: LiveInspector;
}

/** Every step after output, in order, for a command that talks to a server: exec, call, the interactive session. */
export async function startSession(scope: Scope, options: CommonOptions, setup: SessionSetup): Promise<Started> {
  const { output } = setup;
  const color = useColor(options);
  const inspector = await openLiveInspector(scope, options, stderrVoice(output), { title: options.connect?.display ?? 'codex app-server', sends: true });
  // An observer answers nothing, so the page gets no `ui` plugin to answer with (it still shows everything).
  const set = await loadPluginSet(options, setup.defaultFormat, options.observe ? undefined : inspector);
  if (options.observe) refuseAnsweringPlugins(set);
  const bearer = readBearer(options);
  const codex = options.connect ? undefined : locateCodex({ codexBin: options.codexBin });
  // The session's record goes to the --record file and to the inspector alike.
  const recorder = teeSinks(openRecorder(scope, options, (text) => output.stderrLine(`codex-dbg: ${text}`)), inspector?.feed);
  if (codex) recorder?.event('codex', { path: codex.path, source: codex.source });
  const host = await startPlugins(scope, set, options, { output, color, recorder, prompter: setup.prompter });
  const validation = await startValidation(scope, options, () => (codex ?? locateCodex({ codexBin: options.codexBin })).path, { log: (text) => output.stderrLine(text), recorder });
  const world = await startScriptedModel(scope, options, recorder);
  const live = await startServer(scope, options, { host, output, recorder, codex, world, validation, bearer });
  attachSession(inspector, live);
  return { color, host, recorder, live, validation, inspector };
}

/** --observe answers nothing, so a plugin that answers server requests has nothing to do: say so rather than ignore it. */
function refuseAnsweringPlugins(set: PluginSet): void {
  const answering = set.plugins.filter(({ plugin }) => plugin.handlers && Object.keys(plugin.handlers).length > 0);
  if (answering.length) {
    throw usageError(`--observe answers no server request, so ${answering.map(({ plugin }) => `"${plugin.name}"`).join(', ')} would never be asked; drop it or --observe`);
  }
}

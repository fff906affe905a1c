// What every command shares: colours, output, the recording, plugins and the formatter, finding codex,
// and starting the client. Also how an error reaches the user.
import kleur from 'kleur';
import { builtinFormatters, builtinPlugins } from '../plugins/builtin/index.ts';
import * as api from '../api.ts';
import { Client } from './connect.ts';
import { DbgError, toDbgError } from '../core/errors.ts';
import { locateCodex } from '../transports/locate-codex.ts';
import { Output } from './output.ts';
import type { Writable } from 'node:stream';
import { PluginHost, type LoadedPlugin, type Prompter } from '../plugins/host.ts';
import { loadPlugin, loadPlugins } from '../plugins/loader.ts';
import { readPluginsConfig } from '../plugins/options.ts';
import type { Colors } from '../plugins/contract.ts';
import { Recorder } from '../recording/recorder.ts';
import { threadParams, type CommonOptions } from './options.ts';
import { readScriptFile, startScriptedWorld, type ScriptedWorld } from '../scripted/world.ts';
import { VERSION } from '../version.ts';

export const CLIENT_INFO = { name: 'codex_dbg', title: 'codex-dbg', version: VERSION };

export interface Prepared {
  output: Output;
  color: Colors;
  host: PluginHost;
  recorder?: Recorder;
  /** Run by shutdown, last first, after the server has stopped. */
  cleanups: (() => Promise<void>)[];
}

export function useColor(options: { color: boolean }): Colors {
  const env = process.env;
  kleur.enabled = options.color && !env.NO_COLOR && (Boolean(env.FORCE_COLOR) || Boolean(process.stdout.isTTY));
  return kleur;
}

/** Loads plugins and the formatter (`defaultFormat` unless --format says otherwise; none when undefined). */
export async function prepare(
  options: CommonOptions,
  defaultFormat: string | undefined,
  makePrompter?: (output: Output) => Prompter | undefined,
  /** Where formatted traffic goes; `call` sends it to stderr to keep stdout for its result. */
  formatterStream: NodeJS.WritableStream = process.stdout,
): Promise<Prepared> {
  const color = useColor(options);
  const output = new Output(formatterStream as Writable, process.stderr);
  const config = options.pluginsConfig ? readPluginsConfig(options.pluginsConfig) : undefined;
  const loaderOptions = { builtins: builtinPlugins, config, api: api as Record<string, unknown> };
  const plugins = await loadPlugins(options.plugins, loaderOptions);
  const formatName = options.format ?? defaultFormat;
  const formatter = formatName ? await pickFormatter(formatName, plugins, loaderOptions) : undefined;
  const recorder = options.record
    ? new Recorder(options.record, {
        keepSecrets: options.recordSecrets,
        version: VERSION,
        maxBytes: options.recordMaxBytes,
        onProblem: (text) => output.line(`codex-dbg: ${text}`),
      })
    : undefined;
  const host = new PluginHost(plugins, formatter, {
    handlerTimeoutMs: options.handlerTimeout,
    color,
    prompter: makePrompter?.(output),
    log: (text) => {
      recorder?.event('log', { text });
      output.line(text);
    },
    onAnswer: (request, _reply, answeredBy) => recorder?.event('answered', { id: request.id, method: request.method, by: answeredBy }),
  });
  return { output, color, host, recorder, cleanups: [] };
}

async function pickFormatter(name: string, plugins: LoadedPlugin[], loaderOptions: Parameters<typeof loadPlugin>[1]): Promise<LoadedPlugin> {
  const loaded = plugins.find(({ plugin }) => plugin.name === name) ?? (await loadPlugin({ ref: name, options: {} }, loaderOptions));
  if (!loaded.plugin.format) {
    throw new DbgError('E_USAGE', `--format ${name}: "${loaded.plugin.name}" is not a formatter (built-in formatters: ${builtinFormatters.join(', ')})`);
  }
  return loaded;
}

/** Starts codex (against a scripted model: `world`, or one made from --scripted-model) and does the handshake. */
export async function startClient(options: CommonOptions, prepared: Prepared, scripted?: ScriptedWorld): Promise<Client> {
  const script = scripted || !options.scriptedModel ? undefined : readScriptFile(options.scriptedModel);
  const codex = locateCodex({ codexBin: options.codexBin });
  prepared.recorder?.event('codex', { path: codex.path, source: codex.source });
  await prepared.host.setup();
  let world = scripted;
  if (script) {
    world = await startScriptedWorld(script);
    prepared.cleanups.push(world.dispose);
  }
  if (world) prepared.recorder?.event('scripted-model', { url: world.model.url, codexHome: world.home });
  return Client.start({
    codexPath: codex.path,
    configOverrides: [...options.config, ...(world?.overrides ?? [])],
    env: world?.env,
    requestTimeoutMs: options.requestTimeout,
    maxLineBytes: options.maxLineBytes,
    serverLog: options.serverLog,
    host: prepared.host,
    output: prepared.output,
    recorder: prepared.recorder,
    clientInfo: CLIENT_INFO,
    experimentalApi: options.experimentalApi,
    optOutNotificationMethods: options.optOut,
    threadParams: threadParams(options),
  });
}

/** One clear line on stderr (with the server's stderr tail if there is one); the stack only with --debug. */
export function reportError(error: unknown, debug: boolean): number {
  const dbgError = toDbgError(error);
  const lines = [`codex-dbg: error [${dbgError.code}]: ${dbgError.message}`];
  if (dbgError.details.length) lines.push("last lines of the server's stderr:", ...dbgError.details.map((line) => `  ${line}`));
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  if (debug && dbgError.cause instanceof Error && dbgError.cause.stack) lines.push(`caused by: ${dbgError.cause.stack}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  return dbgError.exitCode;
}

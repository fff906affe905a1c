// `codex-dbg tap [options] -- <codex> app-server [args…]`: sits between a front end and the server it
// starts, relaying bytes unchanged both ways (src/transports/tap-relay.ts), and shows what passes to
// observers that can never disturb it: the recording, observer plugins, a formatter writing to --log, and
// any `codex-dbg watch` in another terminal, and with --ui the inspector page. The front end's stdout and
// stderr carry only what the server wrote; the tap's own words go to its side channel (--log, the
// recording, watchers). With --intercept, handler plugins (and with --ui, clicks in the page) may answer
// server requests in the front end's place.
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import type { TrafficEntry } from '../../core/connection.ts';
import { usageError } from '../../core/errors.ts';
import { decodeLine, preview, type RequestMessage } from '../../core/messages.ts';
import { PluginHost } from '../../plugins/host.ts';
import type { Recorder, RecordSink } from '../../recording/recorder.ts';
import { locateCodex } from '../../transports/locate-codex.ts';
import { rendezvousDir, TapAnnouncer, WATCH_LINE_LIMIT } from '../../transports/rendezvous.ts';
import { TapRelay, type Interceptor, type TapDirection, type TapExit } from '../../transports/tap-relay.ts';
import { openLiveInspector, type LiveInspector } from '../inspector.ts';
import type { Scope } from '../lifecycle.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { loadPluginSet, openRecorder, useColor } from '../setup.ts';
import { sleep } from '../../core/timers.ts';

export interface TapOptions {
  /** Where the formatter writes (never the front end's stdout or stderr). */
  log?: string;
  intercept: boolean;
  /** --max-line-bytes when given: lines above it are forwarded but not observed. */
  observeLimit?: number;
}

/** Lines above this are forwarded but not observed unless --max-line-bytes says otherwise: a tap need not hold decoded copies. */
const DEFAULT_OBSERVE_LIMIT = 16 * 1024 * 1024;
/** How many unreadable lines are reported one by one. */
const UNREADABLE_REPORTED = 20;

export async function tapCommand(command: string[], options: CommonOptions, tap: TapOptions): Promise<number> {
  let exit: TapExit | undefined;
  const code = await runCommand(options, async (scope) => {
    exit = await runTap(scope, command, options, tap);
    return exit.code ?? 1;
  });
  if (exit?.signal) return reraise(exit.signal);
  return code;
}

async function runTap(scope: Scope, command: string[], options: CommonOptions, tap: TapOptions): Promise<TapExit> {
  if (command.length === 0) throw usageError('tap: give the server command after --, for example: codex-dbg tap -- codex app-server');
  if (options.plugins.some((spec) => spec.ref === 'ui') && !tap.intercept) throw usageError("tap: --plugin ui answers from the page in the front end's place: add --intercept");
  if (options.format && !tap.log) throw usageError('tap: --format needs --log <file> (the front end owns stdout and stderr)');
  const [bin, args] = command[0] === 'app-server' ? [locateCodex({ codexBin: options.codexBin }).path, command] : [command[0], command.slice(1)];

  const side = openSideChannel(scope, tap.log);
  let inspectorUrl: string | undefined;
  const inspector = await openLiveInspector(
    scope,
    options,
    {
      say: (text) => side.line(`codex-dbg tap: ${text}`),
      // The address carries the page's token: it goes to watchers (a private socket), never into --log.
      tellUrl: (url) => {
        inspectorUrl = url;
        side.line(`codex-dbg tap: inspector at ${new URL(url).origin}/ (the address with its token: codex-dbg watch${options.open ? ', or the browser --open started' : ', or add --open'})`);
      },
    },
    { title: `tap: ${[bin, ...args].join(' ')}`, sends: false },
  );
  // The page's `ui` plugin answers only where the tap answers at all: with --intercept.
  const set = await loadPluginSet(options, tap.log ? 'pretty' : undefined, tap.intercept ? inspector : undefined);
  const problem = (text: string) => {
    side.line(`codex-dbg tap: ${text}`);
    record((r) => r.event('problem', { text }));
    failOpen(() => announcer?.send({ type: 'problem', text }));
  };
  // A recording that cannot be written (a full disk) stops, said once (the recorder says so itself); the bytes go on.
  let recorder: Recorder | undefined;
  const record = (what: (sink: RecordSink) => void) => {
    if (inspector) failOpen(() => what(inspector.feed));
    if (!recorder) return;
    try {
      what(recorder);
    } catch (error) {
      recorder = undefined;
      problem(`stopped recording to ${options.record}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  try {
    recorder = openRecorder(scope, options, problem);
  } catch (error) {
    problem(`not recording: ${(error as Error).message}`);
  }
  record((r) => r.event('spawn', { bin, args, tap: true }));
  const host = new PluginHost(set.plugins, set.formatter, {
    handlerTimeoutMs: options.handlerTimeout,
    color: useColor({ color: options.color && Boolean(tap.log && process.env.FORCE_COLOR) }),
    log: (text) => side.line(text),
    onAnswer: (request, _reply, by) => record((r) => r.event('answered', { id: request.id, method: request.method, by, tap: true })),
  });
  scope.defer('dispose plugins', () => host.dispose());
  await host.setup();

  let announcer: TapAnnouncer | undefined;
  try {
    announcer = await TapAnnouncer.open(rendezvousDir(), {
      type: 'hello',
      pid: process.pid,
      cwd: process.cwd(),
      startedAt: new Date().toISOString(),
      command: [bin, ...args],
      ...(inspectorUrl ? { inspector: inspectorUrl } : {}),
    });
  } catch (error) {
    problem(`watch cannot see this tap: ${(error as Error).message}`);
  }
  scope.defer('stop announcing the tap', () => announcer?.close());

  const observeLimit = tap.observeLimit ?? DEFAULT_OBSERVE_LIMIT;
  const observing = Boolean(recorder) || Boolean(inspector) || set.plugins.some(({ plugin }) => plugin.onMessage) || Boolean(set.formatter);
  const started = performance.now();
  let clientNamed = false;
  let unreadable = 0;
  const observer = {
    watchingServer: () => observing || Boolean(announcer?.watching),
    line(dir: TapDirection, text: string) {
      if (text.length <= WATCH_LINE_LIMIT) announcer?.send({ type: 'line', dir, text });
      else announcer?.send({ type: 'skipped', dir, bytes: text.length, why: 'too long to send to a watcher' });
      if ((!observing && clientNamed) || text.trim() === '') return;
      const decoded = decodeLine(text);
      if (!decoded.ok) {
        // Said for the first few only: a peer that speaks something else must not flood the side channel.
        unreadable++;
        if (unreadable <= UNREADABLE_REPORTED) problem(`${dir === 'in' ? 'server' : 'front end'} sent a line codex-dbg cannot read (${decoded.reason}): ${preview(text)}`);
        if (unreadable === UNREADABLE_REPORTED) problem('further unreadable lines are forwarded without a word');
        return;
      }
      const { kind, message } = decoded.value;
      if (!clientNamed && dir === 'out' && kind === 'request' && message.method === 'initialize') {
        clientNamed = true;
        const name = (message.params as { clientInfo?: { name?: unknown } } | undefined)?.clientInfo?.name;
        if (typeof name === 'string') announcer?.setClient(name);
      }
      if (!observing) return;
      record((r) => r.message({ direction: dir, line: text, message }));
      const entry: TrafficEntry = { direction: dir, kind, message, line: text, at: performance.now() - started };
      const formatted = host.observe(entry);
      if (formatted) side.write(formatted);
    },
    oversize(dir: TapDirection, bytes: number) {
      problem(`forwarded a ${dir === 'in' ? 'server' : 'front end'} line of ${bytes} bytes without observing it (above --max-line-bytes ${observeLimit})`);
    },
    stderr(line: string) {
      record((r) => r.stderr(line));
    },
  };

  const relay = new TapRelay({
    bin,
    args,
    client: { input: process.stdin, output: process.stdout, errors: process.stderr },
    observer,
    observeLimit,
    interceptor: tap.intercept ? interceptor(host) : undefined,
    onObserverError: (error) => problem(`an observer failed (the bytes still flow): ${(error as Error).message ?? String(error)}`),
  });
  const { spawned, exited } = relay.start();
  passSignals(scope, relay);
  await spawned;
  record((r) => r.event('spawned', { pid: relay.pid }));
  const exit = await exited;
  record((r) => r.event('server-exit', { reason: 'exited', code: exit.code, signal: exit.signal }));
  endView(inspector, exit);
  await announcer?.close({ type: 'exit', code: exit.code, signal: exit.signal });
  return exit;
}

/** The page says how the server ended; its waiting cards go (the deadline's default no longer applies). */
function endView(inspector: LiveInspector | undefined, exit: TapExit): void {
  inspector?.feed.end(exit.signal ? `the server was ended by ${exit.signal}` : `the server exited with code ${exit.code}`);
}

/** Handler plugins answer server requests the front end then never sees (nor the server's later word that it was resolved). */
function interceptor(host: PluginHost): Interceptor {
  const answered = new Set<unknown>();
  const handles = (method: string) => host.plugins.some(({ plugin }) => plugin.handlers?.[method] ?? plugin.handlers?.['*']);
  return (text) => {
    if (!text.includes('"method"')) return undefined;
    const decoded = decodeLine(text);
    if (!decoded.ok) return undefined;
    const { kind, message } = decoded.value;
    if (kind === 'notification' && message.method === 'serverRequest/resolved' && answered.size > 0) {
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (answered.delete(id)) return 'drop';
    }
    if (kind !== 'request' || !handles(message.method)) return undefined;
    const request = message as RequestMessage;
    return host.answerWithSource(request).then(({ reply, by }) => {
      if (by === 'default') return undefined;
      answered.add(request.id);
      return JSON.stringify({ id: request.id, ...reply });
    });
  };
}

/** Observing that fails (a full disk under the recording) must not stop the bytes. */
function failOpen(what: () => void): void {
  try {
    what();
  } catch {
    // Already on its way to the side channel, or nowhere left to say it.
  }
}

/** SIGINT, SIGTERM and SIGHUP sent to the tap go on to the server; the tap then ends as the server does. */
function passSignals(scope: Scope, relay: TapRelay): void {
  const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = signals.map((signal) => {
    const handler = () => relay.kill(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  scope.defer('stop passing signals on', () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  });
}

/** The server was killed by a signal: the tap dies of the same one, as the front end would have seen. */
async function reraise(signal: NodeJS.Signals): Promise<number> {
  process.kill(process.pid, signal);
  await sleep(1000);
  return 128 + (constants.signals[signal] ?? 1);
}

interface SideChannel {
  /** Formatted traffic, as the formatter wrote it (bytes from the raw formatter). */
  write(text: string | Uint8Array): void;
  /** One line of the tap's own. */
  line(text: string): void;
}

/** --log <file>, appended to; without it the tap's words go only to the recording and to watchers. */
function openSideChannel(scope: Scope, path: string | undefined): SideChannel {
  if (!path) return { write() {}, line() {} };
  let fd: number | undefined;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    throw usageError(`--log ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  scope.defer('close the log', () => fd !== undefined && closeSync(fd));
  const write = (text: string | Uint8Array) => {
    if (fd === undefined) return;
    try {
      if (typeof text === 'string') writeSync(fd, text);
      else writeSync(fd, text);
    } catch {
      // A full disk stops the log, never the tap.
      closeSync(fd);
      fd = undefined;
    }
  };
  return { write, line: (text) => write(text.endsWith('\n') ? text : `${text}\n`) };
}

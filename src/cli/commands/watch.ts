// `codex-dbg watch`: the live traffic of every running tap, pretty, each line labelled with the tap's pid,
// the front end's name (from its initialize) and its working directory. Taps started before and after
// watch are both found: the rendezvous directory is looked at again every few hundred milliseconds.
// Runs until Ctrl-C or SIGTERM (exit 0).
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { TrafficEntry } from '../../core/connection.ts';
import { decodeLine } from '../../core/messages.ts';
import { PluginHost } from '../../plugins/host.ts';
import { ensurePrivateDir, listTapSockets, rendezvousDir, type TapEvent } from '../../transports/rendezvous.ts';
import type { Scope } from '../lifecycle.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import type { Output } from '../output.ts';
import { loadPluginSet, openOutput, useColor } from '../setup.ts';

const RESCAN_MS = 300;

export function watchCommand(options: CommonOptions): Promise<number> {
  return runCommand(options, (scope) => watch(scope, options));
}

async function watch(scope: Scope, options: CommonOptions): Promise<number> {
  const output = openOutput(scope);
  const color = useColor(options);
  const dir = rendezvousDir();
  ensurePrivateDir(dir);
  output.stderrLine(`codex-dbg watch: watching taps in ${dir} (Ctrl-C to stop)`);
  const taps = new Map<string, Socket>();
  let scanning = false;
  const scan = async () => {
    if (scanning) return;
    scanning = true;
    for (const path of listTapSockets(dir)) {
      if (!taps.has(path)) taps.set(path, await follow(path, options, output, color, () => taps.delete(path)));
    }
    scanning = false;
  };
  await scan();
  const timer = setInterval(() => void scan(), RESCAN_MS);
  scope.defer('stop watching', () => {
    clearInterval(timer);
    for (const socket of taps.values()) socket.destroy();
  });
  return new Promise((resolve) => {
    const stop = () => resolve(0);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    scope.defer('stop handling signals', () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    });
  });
}

/** Connects to one tap and shows its traffic until it ends; a socket nobody listens on is a dead tap's, removed. */
async function follow(path: string, options: CommonOptions, output: Output, color: ReturnType<typeof useColor>, gone: () => void): Promise<Socket> {
  const set = await loadPluginSet({ ...options, plugins: [], format: options.format ?? 'pretty' }, 'pretty');
  const host = new PluginHost([], set.formatter, { handlerTimeoutMs: 0, color, log: (text) => output.stderrLine(text) });
  const socket = connect(path);
  let label = '';
  let pending = '';
  const started = performance.now();
  const show = (chunk: string | Uint8Array) => {
    // Each line gets its tap's label, so bytes from the raw formatter are read as the UTF-8 text they are.
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    output.stdout(`${body.split('\n').map((line) => `${label} ${line}`).join('\n')}${text.endsWith('\n') ? '\n' : ''}`);
  };
  const onEvent = (event: TapEvent) => {
    switch (event.type) {
      case 'hello':
        label = color.cyan(`[tap ${event.pid}${event.client ? ` ${event.client}` : ''} ${event.cwd}]`);
        show(color.dim(`── tap started ${event.startedAt}: ${event.command.join(' ')}\n`));
        if (event.inspector) show(color.dim(`── its inspector: ${event.inspector}\n`));
        return;
      case 'client':
        label = label.replace(/^(\S*\[tap \d+)/, `$1 ${event.name}`);
        return;
      case 'line': {
        const decoded = decodeLine(event.text);
        if (!decoded.ok) return show(color.red(`unreadable ${event.dir === 'in' ? 'server' : 'front end'} line: ${event.text.slice(0, 200)}\n`));
        const entry: TrafficEntry = { direction: event.dir, kind: decoded.value.kind, message: decoded.value.message, line: event.text, at: performance.now() - started };
        const text = host.observe(entry);
        if (text) show(text);
        return;
      }
      case 'skipped':
        return show(color.dim(`(a ${event.dir === 'in' ? 'server' : 'front end'} line of ${event.bytes} bytes: ${event.why})\n`));
      case 'problem':
        return show(color.red(`tap: ${event.text}\n`));
      case 'exit':
        return show(color.dim(`── server ended: ${event.signal ? `signal ${event.signal}` : `exit code ${event.code}`}\n`));
    }
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line) onEvent(JSON.parse(line) as TapEvent);
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNREFUSED') rmSync(path, { force: true });
  });
  socket.on('close', gone);
  return socket;
}

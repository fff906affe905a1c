// The interactive loop. A plain line starts a turn on the active thread; ":" lines are commands from the
// table below (the help is made from it). Each line waits for what it started (a turn until turn/completed,
// a command until its reply) before the next is taken. At end of input the running turn is awaited.
import { closeError } from '../core/connection.ts';
import { DbgError, ExitCode, toDbgError, usageError } from '../core/errors.ts';
import { parseParamsJson } from '../codex/params.ts';
import type { Colors } from '../plugins/contract.ts';
import type { Live } from './connect.ts';
import type { LineQueue } from './line-queue.ts';
import { reportError } from './lifecycle.ts';
import type { Output } from './output.ts';

export interface ReplOptions {
  live: Live;
  output: Output;
  lines: LineQueue;
  color: Colors;
  /** Shows the prompt (at a terminal); absent when input is piped. */
  showPrompt?: (text: string) => void;
  /** Resolves when the REPL must stop at once (Ctrl-C twice, SIGTERM): the exit code. */
  stop: Promise<number>;
}

/** What a line asks for next: go on, or quit with an exit code. */
type Next = { quit: false } | { quit: true; code: number };
const GO_ON: Next = { quit: false };

interface ReplCommand {
  /** The name, then its aliases. */
  names: string[];
  /** What follows the name, for the help: "<thread-id>". */
  args?: string;
  help: string;
  run(argument: string, options: ReplOptions): Promise<Next> | Next;
}

const COMMANDS: ReplCommand[] = [
  {
    names: ['new'],
    help: 'start a new thread and make it active',
    async run(_argument, { live, output }) {
      output.stderrLine(`started thread ${await live.session.startThread()}`);
      return GO_ON;
    },
  },
  {
    names: ['resume'],
    args: '<thread-id>',
    help: 'resume a thread and make it active',
    async run(argument, { live, output }) {
      if (!argument) throw usageError('usage: :resume <thread-id>');
      output.stderrLine(`resumed thread ${await live.session.resumeThread(argument)}`);
      return GO_ON;
    },
  },
  {
    names: ['use'],
    args: '<thread-id>',
    help: 'make a thread active without resuming it',
    run(argument, { live, output }) {
      if (!argument) throw usageError('usage: :use <thread-id>');
      const known = live.session.useThread(argument);
      output.stderrLine(known ? `using thread ${argument}` : `using thread ${argument} (not seen in this session; :resume loads it)`);
      return GO_ON;
    },
  },
  {
    names: ['threads', 'refresh-thread'],
    args: '[more]',
    help: 'list threads; "more" shows the next page',
    async run(argument, { live, output }) {
      const more = argument === 'more';
      const page = await live.session.listThreads(more);
      if (page.data.length === 0) output.stderrLine(more ? 'no more threads' : 'no threads');
      for (const thread of page.data) {
        const mark = thread.id === live.session.threadId ? '*' : ' ';
        output.stderrLine(`${mark} ${thread.id}  ${String(thread.preview ?? '').replace(/\s+/g, ' ').slice(0, 60)}`);
      }
      if (page.nextCursor) output.stderrLine('(more: :threads more)');
      return GO_ON;
    },
  },
  {
    names: ['interrupt'],
    help: 'interrupt the running turn (Ctrl-C does it too)',
    async run(_argument, { live, output }) {
      output.stderrLine((await live.session.interrupt()) ? 'interrupt sent' : 'no turn is running');
      return GO_ON;
    },
  },
  {
    names: ['call'],
    args: '<method> [json]',
    help: 'send any client request and print its result or error',
    async run(argument, { live, output }) {
      const [method = ''] = argument.split(/\s+/, 1);
      if (!method) throw usageError('usage: :call <method> [json-params]');
      const params = parseParamsJson(`:call ${method}`, argument.slice(method.length));
      output.stderrLine(JSON.stringify(await live.connection.request(method, params), null, 2));
      return GO_ON;
    },
  },
  {
    names: ['help', 'h'],
    help: 'this help',
    run(_argument, { output }) {
      output.stderrLine(replHelp());
      return GO_ON;
    },
  },
  {
    names: ['quit', 'q', 'exit'],
    help: 'shut the server down and exit',
    run: () => ({ quit: true, code: ExitCode.ok }),
  },
];

export function replHelp(): string {
  const rows: [string, string][] = [['<text>', 'start a turn with this text on the active thread']];
  for (const command of COMMANDS) {
    const aliases = command.names.slice(1).map((name) => `:${name}`);
    rows.push([`:${command.names[0]}${command.args ? ` ${command.args}` : ''}`, `${command.help}${aliases.length ? ` (also ${aliases.join(', ')})` : ''}`]);
  }
  const width = Math.max(...rows.map(([usage]) => usage.length)) + 2;
  return `commands:\n${rows.map(([usage, help]) => `  ${usage.padEnd(width)} ${help}`).join('\n')}`;
}

export async function runRepl(options: ReplOptions): Promise<number> {
  const { live, output, lines, color } = options;
  const serverGone = live.connection.closed.then((info) => closeError(info, '', ExitCode.failure));
  const prompt = () => {
    if (!options.showPrompt) return;
    // What the last line produced goes out before the prompt, not after it.
    output.flush();
    options.showPrompt(`(${live.session.threadId ?? 'no thread'})> `);
  };

  for (;;) {
    prompt();
    const next = await Promise.race([lines.next().then((line) => ({ line })), serverGone, options.stop]);
    if (typeof next === 'number') return next;
    if (next instanceof DbgError) return reportError(next, false);
    if (next.line === undefined) return ExitCode.ok;
    try {
      const step = await Promise.race([runLine(next.line.trim(), options), serverGone.then((error) => Promise.reject(error)), options.stop]);
      if (typeof step === 'number') return step;
      if (step.quit) return step.code;
    } catch (error) {
      const dbgError = toDbgError(error);
      // A request that failed because the server went away: report how it went (with its stderr), once.
      if (dbgError.code === 'E_SERVER_EXITED' || dbgError.code === 'E_CLOSED') {
        return reportError(await Promise.race([serverGone, Promise.resolve(dbgError)]), false, ExitCode.failure);
      }
      output.stderrLine(color.red(`error [${dbgError.code}]: ${dbgError.message}`));
    }
  }
}

async function runLine(line: string, options: ReplOptions): Promise<Next> {
  if (line === '') return GO_ON;
  const { session } = options.live;
  if (!line.startsWith(':')) {
    if (!session.threadId) await session.startThread();
    await (await session.startTurn(line)).done;
    return GO_ON;
  }
  const [name = ''] = line.slice(1).split(/\s+/, 1);
  const command = COMMANDS.find((candidate) => candidate.names.includes(name));
  if (!command) throw usageError(`unknown command :${name} (:help lists them)`);
  return command.run(line.slice(1 + name.length).trim(), options);
}

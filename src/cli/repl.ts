// The interactive loop. A plain line starts a turn on the active thread; ":" lines are commands. Each line
// waits for what it started (a turn until turn/completed, a command until its reply) before the next is
// taken, at a terminal and from a pipe alike. At end of input the running turn is awaited, then we return.
import { serverExitError } from '../core/connection.ts';
import { DbgError, ExitCode, toDbgError } from '../core/errors.ts';
import type { Client } from './connect.ts';
import type { LineQueue } from './line-queue.ts';
import type { Output } from './output.ts';
import type { Colors } from '../plugins/contract.ts';

export const REPL_HELP = `commands:
  <text>                 start a turn with this text on the active thread
  :new                   start a new thread and make it active
  :resume <thread-id>    resume a thread and make it active
  :use <thread-id>       make a thread active without resuming it
  :threads [more]        list threads (alias :refresh-thread); "more" shows the next page
  :interrupt             interrupt the running turn (Ctrl-C does it too)
  :call <method> [json]  send any client request and print its result or error
  :help                  this help
  :quit                  shut the server down and exit`;

export interface ReplOptions {
  client: Client;
  output: Output;
  lines: LineQueue;
  color: Colors;
  /** Shows the prompt (at a terminal); absent when input is piped. */
  showPrompt?: (text: string) => void;
  /** Resolves when the REPL must stop at once (Ctrl-C twice, SIGTERM): the exit code. */
  stop: Promise<number>;
}

type Step = { quit: true; code: number } | { quit: false };

export async function runRepl(options: ReplOptions): Promise<number> {
  const { client, output, lines, color } = options;
  const { session, connection } = client;
  const serverGone = new Promise<DbgError>((resolve) => connection.onClose((info) => resolve(serverExitError(info, '', ExitCode.failure))));
  const prompt = () => {
    if (!options.showPrompt) return;
    // What the last line produced goes out before the prompt, not after it.
    output.flush();
    options.showPrompt(`(${session.threadId ?? 'no thread'})> `);
  };

  for (;;) {
    prompt();
    const next = await Promise.race([lines.next().then((line) => ({ line })), serverGone, options.stop]);
    if (typeof next === 'number') return next;
    if (next instanceof DbgError) return fail(output, next);
    if (next.line === undefined) return ExitCode.ok;
    try {
      const step = await Promise.race([runLine(next.line.trim(), options), serverGone.then((e) => Promise.reject(e)), options.stop]);
      if (typeof step === 'number') return step;
      if (step.quit) return step.code;
    } catch (error) {
      const dbgError = toDbgError(error);
      if (dbgError.code === 'E_SERVER_EXITED') {
        return fail(output, await Promise.race([serverGone, Promise.resolve(dbgError)]));
      }
      output.line(color.red(`error [${dbgError.code}]: ${dbgError.message}`));
    }
  }
}

function fail(output: Output, error: DbgError): number {
  output.line(`codex-dbg: error [${error.code}]: ${error.message}`);
  if (error.details.length) output.line(`last lines of the server's stderr:\n${error.details.map((l) => `  ${l}`).join('\n')}`);
  return ExitCode.failure;
}

async function runLine(line: string, options: ReplOptions): Promise<Step> {
  const { client, output } = options;
  const { session, connection } = client;
  if (line === '') return { quit: false };
  if (!line.startsWith(':')) {
    if (!session.threadId) await session.startThread();
    const turn = await session.startTurn(line);
    await turn.done;
    return { quit: false };
  }
  const [command, ...rest] = line.slice(1).split(/\s+/);
  const argument = line.slice(1 + command.length).trim();
  switch (command) {
    case 'help':
    case 'h':
      output.line(REPL_HELP);
      return { quit: false };
    case 'quit':
    case 'q':
    case 'exit':
      return { quit: true, code: ExitCode.ok };
    case 'new':
      output.line(`started thread ${await session.startThread()}`);
      return { quit: false };
    case 'resume':
      if (!argument) throw new DbgError('E_USAGE', 'usage: :resume <thread-id>');
      output.line(`resumed thread ${await session.resumeThread(argument)}`);
      return { quit: false };
    case 'use':
      if (!argument) throw new DbgError('E_USAGE', 'usage: :use <thread-id>');
      output.line(session.useThread(argument) ? `using thread ${argument}` : `using thread ${argument} (not seen in this session; :resume loads it)`);
      return { quit: false };
    case 'threads':
    case 'refresh-thread': {
      const more = rest[0] === 'more';
      const page = await session.listThreads(more);
      if (page.data.length === 0) output.line(more ? 'no more threads' : 'no threads');
      for (const thread of page.data) {
        const mark = thread.id === session.threadId ? '*' : ' ';
        output.line(`${mark} ${thread.id}  ${String(thread.preview ?? '').replace(/\s+/g, ' ').slice(0, 60)}`);
      }
      if (page.nextCursor) output.line('(more: :threads more)');
      return { quit: false };
    }
    case 'interrupt':
      output.line((await session.interrupt()) ? 'interrupt sent' : 'no turn is running');
      return { quit: false };
    case 'call': {
      const [method] = rest;
      if (!method) throw new DbgError('E_USAGE', 'usage: :call <method> [json-params]');
      const json = argument.slice(method.length).trim();
      let params: unknown;
      if (json) {
        try {
          params = JSON.parse(json);
        } catch (error) {
          throw new DbgError('E_USAGE', `:call ${method}: params are not valid JSON: ${(error as Error).message}`);
        }
      }
      const result = await connection.request(method, params);
      output.line(JSON.stringify(result, null, 2));
      return { quit: false };
    }
    default:
      throw new DbgError('E_USAGE', `unknown command :${command} (:help lists them)`);
  }
}

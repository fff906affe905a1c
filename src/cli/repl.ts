// The interactive loop. A plain line starts a turn on the active thread; ":" lines are commands from the
// table below (the help is made from it, with the keys and answer keys).
// From a pipe, each line waits for what it started (a turn until turn/completed, a command until its reply)
// before the next is taken. At a terminal the prompt stays live: a line that starts a turn waits only for
// turn/start, a line typed while a turn runs steers it (turn/steer), `immediate` commands (:interrupt,
// :status, :help, :quit) run at once even while another line waits, and questions from plugins take the
// lines that answer them. At end of input the running turn is awaited.
import { closeError } from '../core/connection.ts';
import { DbgError, ExitCode, RpcError, toDbgError, usageError } from '../core/errors.ts';
import { CLIENT_METHODS } from '../codex/client-methods.ts';
import { paramsFor } from '../codex/params.ts';
import type { WithdrawnBecause } from '../codex/waiting-requests.ts';
import { ASK_CHOICES } from '../plugins/builtin/ask.ts';
import type { Colors } from '../plugins/contract.ts';
import type { Live } from './connect.ts';
import { columns } from './help.ts';
import type { History } from './history.ts';
import { LineQueue } from './line-queue.ts';
import { errorMessage, reportError } from './lifecycle.ts';
import type { Output } from './output.ts';
import { QuestionQueue, questionPrompt, terminalQuestionView } from './prompter.ts';
import { completeLine, type ArgumentKind } from './repl-completion.ts';
import { awaitTurn } from './turn-timeout.ts';
import { didYouMean } from '../util/did-you-mean.ts';

/** What the REPL needs of the terminal's line editor (terminal.ts). */
export interface PromptLine {
  setPrompt(text: string): void;
  /** Drops a line just entered from the in-memory history (an answer). */
  forget(line: string): void;
}

export interface ReplOptions {
  output: Output;
  color: Colors;
  /** Resolves when the REPL must stop at once (Ctrl-C twice, SIGTERM): the exit code. */
  stop: Promise<number>;
  /** At a terminal: the live prompt. Absent when input is piped (then lines run one at a time). */
  terminal?: PromptLine;
  /** Where typed lines are kept between sessions. */
  history?: History;
  /** --turn-timeout: seconds a turn may take before it is interrupted and reported. */
  turnTimeout?: number;
  /** Show server errors whole (--debug). */
  debug?: boolean;
}

/** What a line asks for next: go on, or quit with an exit code. */
type Next = { quit: false } | { quit: true; code: number };
const GO_ON: Next = { quit: false };
/** The server went away while a line ran: stop reading; run() reports how it went. */
const SERVER_GONE = 'server gone';

interface ReplCommand {
  /** The name, then its aliases. */
  names: string[];
  /** What follows the name, for the help: "<thread-id>". */
  args?: string;
  /** What Tab completes for the first argument. */
  complete?: ArgumentKind;
  help: string;
  /** At a terminal: runs as soon as it is typed, even while another line is still running. */
  immediate?: boolean;
  run(argument: string, repl: Repl): Promise<Next> | Next;
}

const COMMANDS: ReplCommand[] = [
  {
    names: ['new'],
    help: 'start a new thread and make it active',
    async run(_argument, repl) {
      repl.refuseDuringTurn('start a new thread');
      repl.say(`started thread ${await repl.live.session.startThread()}`);
      return GO_ON;
    },
  },
  {
    names: ['resume'],
    args: '<thread-id>',
    complete: 'thread',
    help: 'resume a thread and make it active',
    async run(argument, repl) {
      if (!argument) throw usageError('usage: :resume <thread-id>');
      repl.refuseDuringTurn('resume another thread');
      repl.say(`resumed thread ${await repl.live.session.resumeThread(argument)}`);
      return GO_ON;
    },
  },
  {
    names: ['use'],
    args: '<thread-id>',
    complete: 'thread',
    help: 'make a thread active without resuming it',
    run(argument, repl) {
      if (!argument) throw usageError('usage: :use <thread-id>');
      repl.refuseDuringTurn('switch threads');
      const known = repl.live.session.useThread(argument);
      repl.say(known ? `using thread ${argument}` : `using thread ${argument} (not seen in this session; :resume loads it)`);
      return GO_ON;
    },
  },
  {
    names: ['threads', 'refresh-thread'],
    args: '[more|loaded]',
    help: 'list threads; "more" shows the next page, "loaded" the live ones of every client (thread/loaded/list)',
    async run(argument, repl) {
      const { session } = repl.live;
      if (argument === 'loaded') {
        const loaded = await session.loadedThreads();
        if (loaded.length === 0) repl.say('no loaded threads');
        for (const id of loaded) repl.say(`${id === session.threadId ? '*' : ' '} ${id}`);
        if (loaded.length) repl.say('(watch one: :attach <thread-id>)');
        return GO_ON;
      }
      const more = argument === 'more';
      const page = await session.listThreads(more);
      if (page.data.length === 0) repl.say(more ? 'no more threads' : 'no threads');
      for (const thread of page.data) {
        const mark = thread.id === session.threadId ? '*' : ' ';
        repl.say(`${mark} ${thread.id}  ${String(thread.preview ?? '').replace(/\s+/g, ' ').slice(0, 60)}`);
      }
      if (page.nextCursor) repl.say('(more: :threads more)');
      return GO_ON;
    },
  },
  {
    names: ['status'],
    immediate: true,
    help: 'the active thread, the running turn, and server requests waiting for an answer',
    run(_argument, repl) {
      repl.say(repl.status());
      return GO_ON;
    },
  },
  {
    names: ['attach'],
    args: '<thread-id>',
    help: "watch another client's thread: resume it without replaying its turns or changing its settings",
    async run(argument, repl) {
      if (!argument) throw usageError('usage: :attach <thread-id> (:threads loaded lists them)');
      try {
        const thread = await repl.live.session.attachThread(argument);
        repl.say(`attached to thread ${thread.id} (${thread.status}); its events show from here on`);
      } catch (error) {
        // codex cannot resume a thread before its first turn has started.
        if (error instanceof RpcError && /no rollout found/.test(error.serverMessage)) {
          throw new DbgError('E_RPC', `thread ${argument} has not started its first turn yet, so it cannot be attached to; try again once it has`);
        }
        throw error;
      }
      return GO_ON;
    },
  },
  {
    names: ['interrupt'],
    immediate: true,
    help: 'interrupt the running turn (Ctrl-C does it too)',
    async run(_argument, repl) {
      repl.say((await repl.live.session.interrupt()) ? 'interrupt sent' : 'no turn is running');
      return GO_ON;
    },
  },
  {
    names: ['call'],
    args: '<method> [json]',
    complete: 'method',
    help: 'send any client request and print its result or error',
    async run(argument, repl) {
      const [method = ''] = argument.split(/\s+/, 1);
      if (!method) throw usageError('usage: :call <method> [json-params]');
      const params = paramsFor(`:call ${method}`, method, argument.slice(method.length));
      repl.say(JSON.stringify(await repl.live.connection.request(method, params), null, 2));
      return GO_ON;
    },
  },
  {
    names: ['help', 'h'],
    immediate: true,
    help: 'this help',
    run(_argument, repl) {
      repl.say(replHelp());
      return GO_ON;
    },
  },
  {
    names: ['quit', 'q', 'exit'],
    immediate: true,
    help: 'shut the server down and exit',
    run: () => ({ quit: true, code: ExitCode.ok }),
  },
];

/** Keys at a terminal, for the help. */
const KEYS: [string, string][] = [
  ['Enter', 'run the line; while a turn runs, a plain line steers it (turn/steer)'],
  ['Tab', 'complete a :command, a thread id (:use, :resume), a method (:call)'],
  ['Up, Down', 'earlier lines, also from earlier sessions (answers and secrets are not kept)'],
  ['Ctrl-C', 'clear the line; on an empty line interrupt the running turn; twice: quit'],
  ['Ctrl-D', 'on an empty line: end input (waits for a running turn, then quits)'],
];

export function replHelp(): string {
  const rows: [string, string][] = [['<text>', 'start a turn with this text on the active thread; while one runs, steer it']];
  for (const command of COMMANDS) {
    const aliases = command.names.slice(1).map((name) => `:${name}`);
    rows.push([`:${command.names[0]}${command.args ? ` ${command.args}` : ''}`, `${command.help}${aliases.length ? ` (also ${aliases.join(', ')})` : ''}`]);
  }
  return [
    'commands:',
    columns(rows),
    'keys (at a terminal):',
    columns(KEYS),
    'answers, when a plugin asks (--plugin ask), then Enter:',
    columns(ASK_CHOICES.map((choice) => [choice.key, choice.label])),
  ].join('\n');
}

function findCommand(name: string): ReplCommand | undefined {
  return COMMANDS.find((candidate) => candidate.names.includes(name));
}

/** `:name rest` → the command (or undefined for a plain line), its name and its argument. */
function splitCommand(line: string): { name: string; argument: string } | undefined {
  if (!line.startsWith(':')) return undefined;
  const [name = ''] = line.slice(1).split(/\s+/, 1);
  return { name, argument: line.slice(1 + name.length).trim() };
}

const WITHDRAWN: Record<WithdrawnBecause, string> = {
  'turn ended': 'its turn ended; no answer sent',
  'resolved elsewhere': 'the server resolved it (answered elsewhere or cancelled); no answer sent',
};

export class Repl {
  /** Questions from plugins, at a terminal (pass it to the plugin host as its prompter). */
  readonly questions: QuestionQueue | undefined;
  private readonly lines = new LineQueue();
  private liveSession: Live | undefined;
  private finish: (code: number) => void = () => {};
  private readonly finished = new Promise<number>((resolve) => {
    this.finish = resolve;
  });
  /** Thread ids from thread/list, fetched once for completion. */
  private listed: Promise<string[]> | undefined;
  /** A turn given up on by --turn-timeout: interrupted, but the server may never say it ended. */
  private abandonedTurn: string | undefined;

  constructor(private readonly options: ReplOptions) {
    this.questions = options.terminal ? new QuestionQueue(terminalQuestionView(options.output, options.color, () => this.refreshPrompt())) : undefined;
  }

  get live(): Live {
    if (!this.liveSession) throw new DbgError('E_INTERNAL', 'the session is not started yet');
    return this.liveSession;
  }

  /** A line of input, typed or piped. */
  input(line: string): void {
    const { terminal, history } = this.options;
    const text = line.trim();
    if (!terminal || !this.liveSession) return this.lines.push(line);
    // A question takes the lines that are not commands; answers never go into the history.
    if (this.questions?.current && !text.startsWith(':')) {
      terminal.forget(line);
      if (text !== '') this.questions.answer(text);
      return;
    }
    history?.add(line);
    const command = splitCommand(text);
    if (command && findCommand(command.name)?.immediate) {
      this.execute(text).then((next) => next !== SERVER_GONE && next.quit && this.finish(next.code));
      return;
    }
    this.lines.push(line);
  }

  /** End of input (Ctrl-D, or the pipe closed). */
  endInput(): void {
    this.questions?.end();
    this.lines.end();
  }

  /** Runs until :quit, end of input (after the running turn), a stop signal or the server going away. */
  async run(live: Live): Promise<number> {
    this.liveSession = live;
    live.requests.onWithdrawn((request, because) => this.questions?.withdraw(request.id, WITHDRAWN[because]));
    const serverGone = live.closed.then((info) => closeError(info, '', ExitCode.failure));
    this.refreshPrompt();
    this.readLines();
    const outcome = await Promise.race([this.finished, this.options.stop, serverGone]);
    return outcome instanceof DbgError ? reportError(outcome, false) : outcome;
  }

  /** One of codex-dbg's own lines on stderr. */
  say(text: string): void {
    this.options.output.stderrLine(text);
  }

  refuseDuringTurn(what: string): void {
    const running = this.live.session.running;
    if (running) throw usageError(`cannot ${what} while turn ${running.turnId} runs: wait for it, or :interrupt it`);
  }

  /** :status */
  status(): string {
    const { session, requests, activity } = this.live;
    const now = Date.now();
    const seconds = (since: number) => `${((now - since) / 1000).toFixed(1)} s`;
    // The activity tracker keeps its own (monotonic) clock.
    const open = activity.snapshot();
    const ago = (since: number) => `${((open.now - since) / 1000).toFixed(1)} s`;
    const asked = this.questions?.current?.request?.id;
    const rows: [string, string][] = [['thread', session.threadId ? `${session.threadId} (active)` : 'none (:new starts one)']];
    const running = session.running;
    const heard = open.turns.find((turn) => turn.turnId === running?.turnId)?.heardAt;
    const lastMessage = heard === undefined ? '' : `, last message ${ago(heard)} ago`;
    rows.push(['turn', running ? `${running.turnId} running for ${seconds(running.startedAt)} on thread ${running.threadId}${lastMessage}` : 'none running']);
    const waiting = requests.list();
    rows.push(['waiting', waiting.length === 0 ? 'no server request waits for an answer' : `${waiting.length} server request${waiting.length === 1 ? '' : 's'}:`]);
    for (const request of waiting) {
      rows.push(['', `id ${request.id}  ${request.method}  for ${seconds(request.receivedAt)}${request.id === asked ? '  (asked at the terminal)' : ''}`]);
    }
    const unanswered = open.clientRequests;
    rows.push(['replies', unanswered.length === 0 ? 'no request of ours waits for a reply' : `${unanswered.length} client request${unanswered.length === 1 ? '' : 's'} without a reply yet:`]);
    for (const request of unanswered) rows.push(['', `id ${JSON.stringify(request.id)}  ${request.method}  for ${ago(request.sentAt)}`]);
    if (this.questions && this.questions.waiting > 1) rows.push(['questions', `${this.questions.waiting} (one shown, the rest queued)`]);
    return columns(rows, 10, '');
  }

  private async readLines(): Promise<void> {
    for (;;) {
      const line = await this.lines.next();
      if (line === undefined) break;
      const next = await this.execute(line.trim());
      if (next === SERVER_GONE) return;
      if (next.quit) return this.finish(next.code);
    }
    const running = this.liveSession?.session.running;
    if (running && running.turnId !== this.abandonedTurn) {
      if (this.options.terminal) this.say('codex-dbg: input ended; waiting for the running turn (Ctrl-C interrupts it)');
      await running.done;
    }
    this.finish(ExitCode.ok);
  }

  /** Runs one line; an error is reported and the REPL goes on, unless the server is gone. */
  private async execute(line: string): Promise<Next | typeof SERVER_GONE> {
    try {
      return await this.runLine(line);
    } catch (error) {
      const dbgError = toDbgError(error);
      // A request that failed because the server went away: run() reports how it went, once. While a
      // reconnect may still bring it back, it is one failed line and the REPL goes on.
      if ((dbgError.code === 'E_SERVER_EXITED' || dbgError.code === 'E_CLOSED') && !this.liveSession?.reconnecting) return SERVER_GONE;
      this.say(this.options.color.red(`error [${dbgError.code}]: ${errorMessage(dbgError, Boolean(this.options.debug))}`));
      return GO_ON;
    } finally {
      this.refreshPrompt();
    }
  }

  private async runLine(line: string): Promise<Next> {
    if (line === '') return GO_ON;
    const split = splitCommand(line);
    if (!split) return this.send(line);
    const command = findCommand(split.name);
    if (!command) {
      const names = COMMANDS.flatMap((candidate) => candidate.names.map((name) => `:${name}`));
      throw usageError(`unknown command :${split.name}${didYouMean(`:${split.name}`, names)} (:help lists them)`);
    }
    return command.run(split.argument, this);
  }

  /** A plain line: steers the running turn, or starts one (at a terminal it then runs in the background). */
  private async send(text: string): Promise<Next> {
    const { session } = this.live;
    if (session.running) {
      const steered = await session.steer(text);
      this.say(this.options.color.dim(`codex-dbg: sent to the running turn ${steered.turnId} (turn/steer)`));
      return GO_ON;
    }
    if (!session.threadId) await session.startThread();
    const turn = await session.startTurn(text);
    const done = awaitTurn(session, turn, this.options.turnTimeout).catch((error: unknown) => {
      this.abandonedTurn = turn.turnId;
      throw error;
    });
    if (!this.options.terminal) {
      await done;
      return GO_ON;
    }
    done.then(
      () => this.refreshPrompt(),
      (error: unknown) => {
        const dbgError = toDbgError(error);
        this.say(this.options.color.red(`error [${dbgError.code}]: ${dbgError.message}`));
        this.refreshPrompt();
      },
    );
    return GO_ON;
  }

  /** The prompt says where a line goes: the active thread (its first 8 characters), the running turn, or a question. */
  private refreshPrompt(): void {
    const { terminal, color } = this.options;
    if (!terminal || !this.liveSession) return;
    const question = this.questions?.current;
    if (question) return terminal.setPrompt(color.yellow(questionPrompt(question)));
    const { session } = this.liveSession;
    const thread = session.threadId ? session.threadId.slice(0, 8) : 'no thread';
    terminal.setPrompt(color.dim(`(${thread}${session.running ? ', turn running' : ''})> `));
  }

  /** Tab completion (terminal.ts calls it). */
  complete(line: string): Promise<[string[], string]> {
    return completeLine(line, {
      commands: COMMANDS.map((command) => ({ names: command.names, argument: command.complete })),
      methods: CLIENT_METHODS,
      threads: async () => [...(this.liveSession?.session.knownThreads ?? []), ...(await this.listThreads())],
    });
  }

  private listThreads(): Promise<string[]> {
    const connection = this.liveSession?.connection;
    if (!connection) return Promise.resolve([]);
    this.listed ??= connection
      .request('thread/list', { limit: 100 })
      .then((result) => ((result as { data?: { id: string }[] }).data ?? []).map((thread) => thread.id))
      .catch(() => {
        this.listed = undefined;
        return [];
      });
    return this.listed;
  }
}

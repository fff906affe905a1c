// The default command: start or resume a thread, then read lines until :quit or end of input, and shut the
// server down. At a terminal the prompt stays live (terminal.ts: line editing, history kept between
// sessions, Tab completion, output drawn around the prompt); from a pipe, lines run one at a time.
import { createInterface } from 'node:readline';
import { History, historyFile } from '../history.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { Repl } from '../repl.ts';
import { openOutput, startSession, useColor } from '../setup.ts';
import { watchSignals } from '../signals.ts';
import { LiveTerminal } from '../terminal.ts';

export function interactiveCommand(options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const atTerminal = Boolean(process.stdin.isTTY && process.stderr.isTTY);
    const output = openOutput(scope);
    const color = useColor(options);
    const signals = watchSignals(scope, output, { interactive: atTerminal });
    let repl: Repl;
    let terminal: LiveTerminal | undefined;
    if (atTerminal) {
      const history = new History(historyFile(), (text) => output.stderrLine(text));
      terminal = new LiveTerminal({
        input: process.stdin,
        output: process.stderr,
        stdoutIsTerminal: Boolean(process.stdout.isTTY),
        history: history.load(),
        complete: (line) => repl.complete(line),
        onLine: (line) => repl.input(line),
        onInterrupt: () => signals.interrupt(),
        onEnd: () => repl.endInput(),
      });
      repl = new Repl({ output, color, stop: signals.stop, terminal, history, turnTimeout: options.turnTimeout, debug: options.debug });
      const live = terminal;
      output.setLiveArea(live);
      scope.defer('close the terminal', () => {
        output.setLiveArea(undefined);
        live.close();
      });
    } else {
      repl = new Repl({ output, color, stop: signals.stop, turnTimeout: options.turnTimeout, debug: options.debug });
      const readline = createInterface({ input: process.stdin, terminal: false });
      readline.on('line', (line) => repl.input(line));
      readline.on('close', () => repl.endInput());
      scope.defer('close the input', () => readline.close());
    }
    const { live } = await startSession(scope, options, { output, defaultFormat: 'raw', prompter: repl.questions });
    signals.attach(live.session, live.transport);
    if (options.observe) {
      // An observer watches other clients' threads: it starts none, and attaches without changing settings.
      const attached = options.threadId ? await live.session.attachThread(options.threadId) : undefined;
      output.stderrLine(
        color.dim(attached ? `codex-dbg: observing thread ${attached.id} (${attached.status}); :help for commands` : 'codex-dbg: observing; :threads loaded lists live threads, :attach <id> watches one'),
      );
    } else {
      const threadId = options.threadId ? await live.session.resumeThread(options.threadId) : await live.session.startThread();
      output.stderrLine(color.dim(`codex-dbg: thread ${threadId} (${options.threadId ? 'resumed' : 'new'}); :help for commands`));
    }
    return repl.run(live);
  });
}

// The default command: start or resume a thread, then read lines (from a terminal or a pipe) until :quit
// or end of input, and shut the server down.
import { createInterface } from 'node:readline';
import { LineQueue } from '../line-queue.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { terminalPrompter } from '../prompter.ts';
import { runRepl } from '../repl.ts';
import { openOutput, startSession } from '../setup.ts';
import { watchSignals } from '../signals.ts';

export function interactiveCommand(options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
    const output = openOutput(scope);
    const lines = new LineQueue();
    const readline = createInterface({ input: process.stdin, output: interactive ? process.stderr : undefined, terminal: interactive });
    readline.on('line', (line) => lines.push(line));
    readline.on('close', () => lines.end());
    scope.defer('close the terminal', () => readline.close());
    const signals = watchSignals(scope, output, { interactive, readline });
    const { live, color } = await startSession(scope, options, {
      output,
      defaultFormat: 'raw',
      prompter: interactive ? terminalPrompter(lines, output) : undefined,
    });
    signals.attach(live.session);
    const threadId = options.threadId ? await live.session.resumeThread(options.threadId) : await live.session.startThread();
    output.stderrLine(color.dim(`codex-dbg: thread ${threadId} (${options.threadId ? 'resumed' : 'new'}); :help for commands`));
    return runRepl({
      live,
      output,
      lines,
      color,
      stop: signals.stop,
      showPrompt: interactive
        ? (text) => {
            readline.setPrompt(color.dim(text));
            readline.prompt();
          }
        : undefined,
    });
  });
}

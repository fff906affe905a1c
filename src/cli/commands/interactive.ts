// The default command: start or resume a thread, then read lines (from a terminal or a pipe) until :quit
// or end of input, and shut the server down.
import { createInterface } from 'node:readline';
import { LineQueue } from '../line-queue.ts';
import { runRepl } from '../repl.ts';
import type { CommonOptions } from '../options.ts';
import { terminalPrompter } from '../prompter.ts';
import { prepare, startClient } from '../lifecycle.ts';
import { handleSignals } from '../signals.ts';
import { shutdown } from '../shutdown.ts';

export async function replCommand(options: CommonOptions): Promise<number> {
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  const lines = new LineQueue();
  const prepared = await prepare(options, 'raw', (output) => (interactive ? terminalPrompter(lines, output) : undefined));
  const { output, color } = prepared;
  const readline = createInterface({ input: process.stdin, output: interactive ? process.stderr : undefined, terminal: interactive });
  readline.on('line', (line) => lines.push(line));
  readline.on('close', () => lines.end());
  const signals = handleSignals(output, { interactive, readline });
  let client: Awaited<ReturnType<typeof startClient>> | undefined;
  try {
    client = await startClient(options, prepared);
    signals.attach(client.session);
    const threadId = options.threadId
      ? await client.session.resumeThread(options.threadId)
      : await client.session.startThread();
    output.line(color.dim(`codex-dbg: thread ${threadId} (${options.threadId ? 'resumed' : 'new'}); :help for commands`));
    return await runRepl({
      client,
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
  } finally {
    readline.close();
    signals.dispose();
    await shutdown(prepared, client);
  }
}

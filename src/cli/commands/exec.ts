// `codex-dbg exec <prompt>`: one turn, printed through the formatter (default: final), with an exit code
// a script can test: 0 completed, 1 failed or interrupted, 2 usage, 3 server failed to start or died,
// 4 timed out.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { closeError } from '../../core/connection.ts';
import { DbgError, ExitCode, usageError } from '../../core/errors.ts';
import type { Turn } from '../../codex/session.ts';
import { LineQueue } from '../line-queue.ts';
import { reportError, runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { terminalPrompter } from '../prompter.ts';
import { holdWhilePageOpen } from '../inspector.ts';
import { openOutput, startSession } from '../setup.ts';
import { watchSignals } from '../signals.ts';

export interface ExecOptions {
  /** Seconds the turn may take; undefined: no limit. */
  turnTimeout?: number;
}

export function execCommand(promptArg: string, options: CommonOptions, execOptions: ExecOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const prompt = promptArg === '-' ? readFileSync(0, 'utf8').trim() : promptArg;
    if (!prompt) throw usageError('exec needs a prompt (or - to read it from stdin)');
    // Approvals can be asked at a terminal when stdin is one and was not used for the prompt.
    const interactive = promptArg !== '-' && Boolean(process.stdin.isTTY && process.stderr.isTTY);
    const output = openOutput(scope);
    const lines = new LineQueue();
    const readline = interactive ? createInterface({ input: process.stdin, output: process.stderr, terminal: true }) : undefined;
    readline?.on('line', (line) => lines.push(line));
    scope.defer('close the terminal', () => readline?.close());
    const signals = watchSignals(scope, output, { interactive, readline });
    const { live, inspector } = await startSession(scope, options, {
      output,
      defaultFormat: 'final',
      prompter: interactive ? terminalPrompter(lines, output) : undefined,
    });
    const { session, connection } = live;
    signals.attach(session);
    if (options.threadId) await session.resumeThread(options.threadId);
    else await session.startThread();
    const turn = await session.startTurn(prompt);

    const serverGone = connection.closed.then((info) => closeError(info, 'during the turn'));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      if (execOptions.turnTimeout !== undefined) timer = setTimeout(() => resolve('timeout'), execOptions.turnTimeout * 1000);
    });
    const outcome: Turn | DbgError | 'timeout' | number = await Promise.race([turn.done, serverGone, timedOut, signals.stop]);
    clearTimeout(timer);
    if (typeof outcome === 'number') return outcome;
    const code = await finish(outcome);
    // With --ui, what the turn did stays in view until the page is closed.
    await holdWhilePageOpen(inspector, output, signals.stop);
    return code;

    async function finish(outcome: Turn | DbgError | 'timeout'): Promise<number> {
      if (outcome instanceof DbgError) return reportError(outcome, options.debug);
      if (outcome === 'timeout') {
        await session.interrupt().catch(() => undefined);
        return reportError(new DbgError('E_TIMEOUT', `the turn did not complete within --turn-timeout ${execOptions.turnTimeout} s`), options.debug);
      }
      if (outcome.status === 'completed') return ExitCode.ok;
      output.stderrLine(`codex-dbg: turn ${outcome.status}${outcome.error?.message ? `: ${outcome.error.message}` : ''}`);
      return ExitCode.failure;
    }
  });
}

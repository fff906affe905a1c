// `codex-dbg exec <prompt>`: one turn, printed through the formatter (default: final), with an exit code
// a script can test: 0 completed, 1 failed or interrupted, 2 usage, 3 server failed to start or died,
// 4 timed out (--turn-timeout, or a request), 5 protocol violations under --validate=strict.
import { readFileSync } from 'node:fs';
import { closeError } from '../../core/connection.ts';
import { DbgError, ExitCode, toDbgError, usageError } from '../../core/errors.ts';
import type { Turn } from '../../codex/session.ts';
import { reportError, runCommand, type Scope } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import type { Output } from '../output.ts';
import { QuestionQueue, questionPrompt, terminalQuestionView } from '../prompter.ts';
import { openOutput, startSession, useColor } from '../setup.ts';
import { holdWhilePageOpen } from '../inspector.ts';
import { watchSignals } from '../signals.ts';
import { LiveTerminal } from '../terminal.ts';
import { awaitTurn } from '../turn-timeout.ts';

/** Built-in formatters that already say how a turn ended (and why it failed): exec adds no line of its own then. */
const SHOWS_TURN_OUTCOME = new Set(['final', 'pretty']);

export function execCommand(promptArg: string, options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const prompt = promptArg === '-' ? readFileSync(0, 'utf8').trim() : promptArg;
    if (!prompt) throw usageError('exec needs a prompt (or - to read it from stdin)');
    // Approvals can be asked at a terminal when stdin is one and was not used for the prompt.
    const interactive = promptArg !== '-' && Boolean(process.stdin.isTTY && process.stderr.isTTY);
    const output = openOutput(scope);
    const signals = watchSignals(scope, output, { interactive });
    const questions = interactive ? askAtTerminal(scope, output, options, () => signals.interrupt()) : undefined;
    const { live, validation, inspector } = await startSession(scope, options, { output, defaultFormat: 'final', prompter: questions });
    const { session } = live;
    signals.attach(session, live.transport);
    live.requests.onWithdrawn((request) => questions?.withdraw(request.id, 'the server no longer waits for it; no answer sent'));
    if (options.threadId) await session.resumeThread(options.threadId);
    else await session.startThread();
    const turn = await session.startTurn(prompt);

    const serverGone = live.closed.then((info) => closeError(info, 'during the turn'));
    const finished = awaitTurn(session, turn, options.turnTimeout).catch(toDbgError);
    const outcome: Turn | DbgError | number = await Promise.race([finished, serverGone, signals.stop]);
    if (typeof outcome === 'number') return outcome;
    const code = finish(outcome);
    // With --ui, what the turn did stays in view until the page is closed.
    await holdWhilePageOpen(inspector, output, signals.stop);
    return code;

    function finish(outcome: Turn | DbgError): number {
      if (outcome instanceof DbgError) return reportError(outcome, options.debug);
      if (outcome.status === 'completed') return validation?.exitCode(ExitCode.ok) ?? ExitCode.ok;
      // One message per failure: the formatter may have said it already.
      if (!SHOWS_TURN_OUTCOME.has(options.format ?? 'final')) {
        output.stderrLine(`codex-dbg: turn ${outcome.status}${outcome.error?.message ? `: ${outcome.error.message}` : ''}`);
      }
      return ExitCode.failure;
    }
  });
}

/** Questions from plugins at a terminal: the answer prompt is drawn only while one is asked. */
function askAtTerminal(scope: Scope, output: Output, options: CommonOptions, interrupt: () => void): QuestionQueue {
  let terminal: LiveTerminal | undefined;
  const questions: QuestionQueue = new QuestionQueue(
    terminalQuestionView(output, useColor(options), () => {
      const question = questions.current;
      terminal?.setPrompt(question ? questionPrompt(question) : '');
    }),
  );
  terminal = new LiveTerminal({
    input: process.stdin,
    output: process.stderr,
    stdoutIsTerminal: Boolean(process.stdout.isTTY),
    onLine: (line) => {
      if (questions.current) questions.answer(line);
      else if (line.trim()) output.stderrLine('codex-dbg: nothing is being asked (exec takes no other input; Ctrl-C interrupts the turn)');
    },
    onInterrupt: interrupt,
    onEnd: () => questions.end(),
  });
  const live = terminal;
  output.setLiveArea(live);
  scope.defer('close the terminal', () => {
    output.setLiveArea(undefined);
    live.close();
  });
  return questions;
}

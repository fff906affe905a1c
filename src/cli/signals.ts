// Ctrl-C and SIGTERM. The first Ctrl-C during a turn interrupts that turn; another one (or one with no
// turn to interrupt, when nobody is at a terminal to be told) stops the program with 130. SIGTERM stops it
// with 143. Either way the caller then shuts the server down before exiting.
import type { Interface } from 'node:readline';
import { ExitCode } from '../core/errors.ts';
import type { Session } from '../codex/session.ts';
import type { Scope } from './lifecycle.ts';
import type { Output } from './output.ts';

export interface StopSignal {
  /** Resolves with the exit code once the program must stop. */
  stop: Promise<number>;
  /** Lets the handler reach the session once it exists. */
  attach(session: Session): void;
}

/** Handles Ctrl-C and SIGTERM (and a reader of stdout going away) until the scope ends. */
export function watchSignals(scope: Scope, output: Output, options: { interactive: boolean; readline?: Interface }): StopSignal {
  let session: Session | undefined;
  let interruptedTurn: string | undefined;
  let warned = false;
  let resolveStop: (code: number) => void = () => {};
  const stop = new Promise<number>((resolve) => {
    resolveStop = resolve;
  });

  const onInterrupt = () => {
    const running = session?.running;
    if (running && running.turnId !== interruptedTurn) {
      interruptedTurn = running.turnId;
      output.stderrLine('codex-dbg: interrupting the turn (Ctrl-C again to quit)');
      session?.interrupt().catch((error: Error) => output.stderrLine(`codex-dbg: interrupt failed: ${error.message}`));
      return;
    }
    if (options.interactive && !running && !warned) {
      warned = true;
      output.stderrLine('codex-dbg: press Ctrl-C again, or type :quit, to exit');
      return;
    }
    resolveStop(ExitCode.sigint);
  };
  const onTerminate = () => resolveStop(ExitCode.sigterm);

  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  options.readline?.on('SIGINT', onInterrupt);
  output.onStdoutClosed(() => resolveStop(ExitCode.ok));
  scope.defer('stop handling signals', () => {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
  });

  return {
    stop,
    attach(value) {
      session = value;
    },
  };
}

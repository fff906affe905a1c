// Ctrl-C and SIGTERM. The first Ctrl-C during a turn interrupts that turn; another one (or one with no
// turn to interrupt, when nobody is at a terminal to be told) stops the program with 130. SIGTERM stops it
// with 143. Either way the caller then shuts the server down before exiting.
import type { Interface } from 'node:readline';
import type { Output } from './output.ts';
import type { Session } from '../codex/session.ts';

export interface StopSignal {
  /** Resolves with the exit code once the program must stop. */
  stop: Promise<number>;
  /** Lets the handler reach the session once it exists. */
  attach(session: Session): void;
  dispose(): void;
}

export function handleSignals(output: Output, options: { interactive: boolean; readline?: Interface }): StopSignal {
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
      output.line('codex-dbg: interrupting the turn (Ctrl-C again to quit)');
      session?.interrupt().catch((error: Error) => output.line(`codex-dbg: interrupt failed: ${error.message}`));
      return;
    }
    if (options.interactive && !running && !warned) {
      warned = true;
      output.line('codex-dbg: press Ctrl-C again, or type :quit, to exit');
      return;
    }
    resolveStop(130);
  };
  const onTerminate = () => resolveStop(143);

  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  options.readline?.on('SIGINT', onInterrupt);
  output.onStdoutClosed(() => resolveStop(0));

  return {
    stop,
    attach(value) {
      session = value;
    },
    dispose() {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
    },
  };
}

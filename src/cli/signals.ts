// Ctrl-C and SIGTERM. The first Ctrl-C during a turn interrupts that turn; another one (or one with no
// turn to interrupt, when nobody is at a terminal to be told) stops the program with 130. SIGTERM stops it
// with 143. Either way the caller then shuts the server down before exiting. The handlers stay until the
// server is down: a signal while it shuts down (the grace period) stops it at once instead of leaving it
// running, and the exit code stays the one the session ended with.
import { ExitCode } from '../core/errors.ts';
import type { Transport } from '../core/transport.ts';
import type { Session } from '../codex/session.ts';
import type { Scope } from './lifecycle.ts';
import type { Output } from './output.ts';

/** The grace left to the server after a signal during its shutdown: it is stopped now. */
const HURRIED_GRACE_MS = 100;

export interface StopSignal {
  /** Resolves with the exit code once the program must stop. */
  stop: Promise<number>;
  /** Lets the handler reach the session and its transport once they exist. Call it after the server is set up. */
  attach(session: Session, transport?: Transport): void;
  /** Ctrl-C as the terminal's line editor sees it (it takes the key from the process at a live prompt). */
  interrupt(): void;
}

/** Handles Ctrl-C and SIGTERM (and a reader of stdout going away) until the scope ends. */
export function watchSignals(scope: Scope, output: Output, options: { interactive: boolean }): StopSignal {
  let session: Session | undefined;
  let transport: Transport | undefined;
  let interruptedTurn: string | undefined;
  let warned = false;
  let stopping = false;
  let hurried = false;
  let resolveStop: (code: number) => void = () => {};
  const stop = new Promise<number>((resolve) => {
    resolveStop = resolve;
  });
  const stopWith = (code: number) => {
    stopping = true;
    resolveStop(code);
  };

  /** Stopping already (a signal came, or the session ended): stop the server now. */
  const hurry = () => {
    if (hurried || !transport) return;
    hurried = true;
    output.stderrLine('codex-dbg: stopping the server now');
    transport.close(HURRIED_GRACE_MS).catch(() => undefined);
  };

  const onInterrupt = () => {
    if (stopping) return hurry();
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
    stopWith(ExitCode.sigint);
  };
  const onTerminate = () => (stopping ? hurry() : stopWith(ExitCode.sigterm));

  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  output.onStdoutClosed(() => stopWith(ExitCode.ok));
  scope.defer('stop handling signals', () => {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
  });

  return {
    stop,
    attach(value, serverTransport) {
      session = value;
      transport = serverTransport;
      // Runs first when the command ends, before the server is shut down: from then on a signal hurries.
      scope.defer('shut down on a signal at once', () => {
        stopping = true;
      });
    },
    interrupt: onInterrupt,
  };
}

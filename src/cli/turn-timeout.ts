// --turn-timeout: a turn that has not completed in time is interrupted, and E_TIMEOUT (exit 4) says so. The
// server gets a bounded time to confirm the interrupt: one that never answers must not hold us for the
// whole request timeout.
import { DbgError } from '../core/errors.ts';
import { sleep, startTimer } from '../core/timers.ts';
import type { RunningTurn, Session, Turn } from '../codex/session.ts';

/** How long the server gets to answer turn/interrupt after a turn timed out. */
export const INTERRUPT_WAIT_MS = 2000;

/** The turn once it completes; with a limit in seconds, rejects with E_TIMEOUT after interrupting it. */
export async function awaitTurn(session: Session, turn: RunningTurn, timeoutSeconds: number | undefined): Promise<Turn> {
  if (timeoutSeconds === undefined) return turn.done;
  let cancel = () => {};
  const expired = new Promise<'expired'>((resolve) => {
    cancel = startTimer(timeoutSeconds * 1000, () => resolve('expired'), { unref: true });
  });
  const outcome = await Promise.race([turn.done, expired]);
  cancel();
  if (outcome !== 'expired') return outcome;
  const confirmed = await Promise.race([
    session.interrupt().then(
      () => true,
      () => false,
    ),
    sleep(INTERRUPT_WAIT_MS, { unref: true }).then(() => false),
  ]);
  const how = confirmed ? 'interrupted it' : `interrupted it; the server did not confirm within ${INTERRUPT_WAIT_MS / 1000} s`;
  throw new DbgError('E_TIMEOUT', `the turn did not complete within --turn-timeout ${timeoutSeconds} s (${how})`);
}

// The stall detector on a timer: every second (or a quarter of the threshold, if shorter) it looks at what is
// open on the connection and prints what has waited too long, until the command's scope closes.
import type { ActivityTracker } from '../codex/activity.ts';
import { StallDetector } from '../codex/stall.ts';
import type { Scope } from './lifecycle.ts';

/** Warns through `log` while something waits longer than `stallWarnSeconds`; 0 turns it off. */
export function watchStalls(scope: Scope, activity: ActivityTracker, stallWarnSeconds: number, log: (text: string) => void): void {
  if (stallWarnSeconds <= 0) return;
  const detector = new StallDetector(stallWarnSeconds * 1000);
  const timer = setInterval(() => {
    for (const line of detector.tick(activity.snapshot())) log(`codex-dbg: ${line}`);
  }, Math.min(1000, stallWarnSeconds * 250));
  // Never what keeps the process alive.
  timer.unref?.();
  scope.defer('stop the stall detector', () => clearInterval(timer));
}

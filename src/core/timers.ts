// Timers that wait as long as they are asked to. setTimeout fires after 1 ms for any delay of 2^31 ms or
// more (Node, Deno and Bun alike), so a long timeout would expire at once: longer delays are chained here,
// and Infinity never fires.

/** The longest delay setTimeout honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fire` after `ms` (any length; Infinity: never). Returns a function that cancels it. */
export function startTimer(ms: number, fire: () => void, options: { unref?: boolean } = {}): () => void {
  if (ms === Number.POSITIVE_INFINITY) return () => {};
  let remaining = Math.max(0, ms);
  let handle: ReturnType<typeof setTimeout> | undefined;
  const step = () => {
    const wait = Math.min(remaining, MAX_TIMER_MS);
    remaining -= wait;
    handle = setTimeout(remaining > 0 ? step : fire, wait);
    if (options.unref) (handle as { unref?: () => void }).unref?.();
  };
  step();
  return () => clearTimeout(handle);
}

/** Resolves after `ms` (any length). */
export function sleep(ms: number, options: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => startTimer(ms, resolve, options));
}

// "Did you mean …?": the nearest known name to a mistyped one, when it is near enough to be a typo.

/** Edits (insert, delete, replace, swap two neighbours) to turn one string into the other. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known names nearest to `given` (at most a third of its length away, and at most 3 edits), best first. */
export function nearest(given: string, known: readonly string[]): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(given.length / 3)));
  const scored = known.map((name) => ({ name, distance: editDistance(given.toLowerCase(), name.toLowerCase()) }));
  const close = scored.filter(({ distance }) => distance <= limit).sort((x, y) => x.distance - y.distance);
  const best = close[0]?.distance;
  return close.filter(({ distance }) => distance === best).map(({ name }) => name);
}

/** " (did you mean demo?)", or "" when nothing is close. */
export function didYouMean(given: string, known: readonly string[]): string {
  const names = nearest(given, known);
  return names.length === 0 ? '' : ` (did you mean ${names.join(' or ')}?)`;
}

/** The one nearest known name, or undefined when none is near enough to be a typo. */
export function closest(given: string, known: readonly string[]): string | undefined {
  return nearest(given, known)[0];
}

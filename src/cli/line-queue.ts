// Input lines, taken one at a time. The REPL and a plugin's prompt both read from it, so a line typed
// while a turn waits on an approval answers the question, and any other line waits its turn.

export class LineQueue {
  private readonly lines: string[] = [];
  private readonly readers: ((line: string | undefined) => void)[] = [];
  private ended = false;

  push(line: string): void {
    const reader = this.readers.shift();
    if (reader) reader(line);
    else this.lines.push(line);
  }

  end(): void {
    this.ended = true;
    for (const reader of this.readers.splice(0)) reader(undefined);
  }

  /** The next line, or undefined once input has ended and nothing is left. */
  next(): Promise<string | undefined> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.readers.push(resolve));
  }
}

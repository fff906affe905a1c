// The last N lines of a stream, for diagnosing a server that died. Bounded in lines and in bytes per line.

export class TailBuffer {
  private lines: string[] = [];
  private partial = '';

  constructor(
    private readonly maxLines = 50,
    private readonly maxLineChars = 2000,
  ) {}

  /** Feeds raw text; returns the complete lines it contained. */
  write(text: string): string[] {
    const parts = (this.partial + text).split('\n');
    this.partial = (parts.pop() ?? '').slice(-this.maxLineChars);
    for (const part of parts) this.remember(part.replace(/\r$/, ''));
    return parts;
  }

  /** The remembered lines, plus any unterminated last line. */
  snapshot(): string[] {
    return this.partial ? [...this.lines, this.partial] : [...this.lines];
  }

  private remember(line: string): void {
    this.lines.push(line.length > this.maxLineChars ? `${line.slice(0, this.maxLineChars)}…` : line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }
}

/** Strips ANSI colour codes (the server's tracing output is coloured). */
export function stripAnsi(text: string): string {
  // biome-ignore lint: the escape character is the point
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

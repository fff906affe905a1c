// The server's stderr as lines, however the pipe cuts it: each line is handed on whole up to a limit (a
// longer one keeps its start and says what was cut), and the last N lines are kept, shortened, for
// diagnosing a server that died.

/** The longest stderr line handed on whole (to the recording, to --server-log), in characters. */
export const MAX_STDERR_LINE_CHARS = 1024 * 1024;
/** Lines kept for a diagnosis are shortened to this. */
const TAIL_LINE_CHARS = 2000;

export class TailBuffer {
  private readonly lines: string[] = [];
  /** The line still being written: its pieces up to the limit, and how many characters went past it. */
  private pieces: string[] = [];
  private kept = 0;
  private cut = 0;

  constructor(
    private readonly maxLines = 50,
    private readonly maxLineChars = MAX_STDERR_LINE_CHARS,
  ) {}

  /** Feeds raw text; returns the complete lines it finished. */
  write(text: string): string[] {
    const parts = text.split('\n');
    const done: string[] = [];
    for (let i = 0; i < parts.length - 1; i++) {
      this.append(parts[i]);
      done.push(this.take());
    }
    this.append(parts[parts.length - 1]);
    for (const line of done) this.remember(line);
    return done;
  }

  /** The unterminated last line, if any (at the end of the stream); the buffer forgets it. */
  end(): string | undefined {
    if (this.kept === 0 && this.cut === 0) return undefined;
    const line = this.take();
    this.remember(line);
    return line;
  }

  /** The remembered lines, plus any unterminated last line. */
  snapshot(): string[] {
    const partial = this.pieces.join('');
    return partial ? [...this.lines, shorten(partial)] : [...this.lines];
  }

  private append(piece: string): void {
    const room = this.maxLineChars - this.kept;
    if (piece.length <= room) {
      if (piece) this.pieces.push(piece);
      this.kept += piece.length;
      return;
    }
    if (room > 0) this.pieces.push(piece.slice(0, room));
    this.kept += Math.max(0, room);
    this.cut += piece.length - Math.max(0, room);
  }

  /** The current line, finished: without a trailing CR, with a marker when it was cut. */
  private take(): string {
    let line = this.pieces.join('');
    if (this.cut > 0) line = `${line}… [cut by codex-dbg: a line of ${this.kept + this.cut} characters, the first ${this.kept} kept]`;
    else if (line.endsWith('\r')) line = line.slice(0, -1);
    this.pieces = [];
    this.kept = 0;
    this.cut = 0;
    return line;
  }

  private remember(line: string): void {
    this.lines.push(shorten(line));
    if (this.lines.length > this.maxLines) this.lines.shift();
  }
}

function shorten(line: string): string {
  return line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line;
}

/** Strips ANSI colour codes (the server's tracing output is coloured). */
export function stripAnsi(text: string): string {
  // biome-ignore lint: the escape character is the point
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

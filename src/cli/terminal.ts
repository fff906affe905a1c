// The live prompt at a terminal (node:readline on stdin and stderr): line editing, history, Tab completion,
// and output that never mixes with it. Before codex-dbg writes (stdout or stderr, usually the same
// terminal) the prompt and the half-typed line are taken off the screen; once the writing is done they are
// drawn again below it, as readline-based REPLs do. Output that stops mid-line (a streamed answer) gets
// the prompt only after a short pause, on a line of its own.
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { LiveArea, Stream } from './output.ts';

/** How long output may rest mid-line before the prompt is drawn below it anyway. */
const MID_LINE_PAUSE_MS = 300;
export const HISTORY_SIZE = 1000;

export interface TerminalOptions {
  input: NodeJS.ReadableStream;
  /** Where the prompt and the typed line go: stderr. */
  output: NodeJS.WriteStream;
  /** Whether stdout is this same terminal (then stdout writes must clear the prompt too). */
  stdoutIsTerminal: boolean;
  /** Earlier lines, newest first. */
  history?: string[];
  complete?(line: string): Promise<[string[], string]>;
  onLine(line: string): void;
  /** Ctrl-C on an empty line (on a line with text, Ctrl-C clears it). */
  onInterrupt(): void;
  /** Ctrl-D on an empty line, or the input closed. */
  onEnd(): void;
}

/** The parts of readline's Interface used here that its types do not declare. */
interface ReadlineInternals {
  history?: string[];
  prevRows?: number;
}

export class LiveTerminal implements LiveArea {
  readonly readline: Interface;
  private prompt = '';
  /** The prompt and typed line are on the screen. */
  private shown = false;
  /** The last output left the cursor mid-line. */
  private midLine = false;
  private redraw: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly options: TerminalOptions) {
    const { complete } = options;
    this.readline = createInterface({
      input: options.input,
      output: options.output,
      terminal: true,
      history: options.history ?? [],
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      completer: complete
        ? (line: string, callback: (error: Error | null, result: [string[], string]) => void) => {
            complete(line).then((result) => callback(null, result), () => callback(null, [[], line]));
          }
        : undefined,
    });
    this.readline.on('line', (line) => {
      this.shown = false; // readline moved to a new line
      options.onLine(line);
      this.scheduleRedraw();
    });
    this.readline.on('SIGINT', () => {
      if (this.readline.line === '') return options.onInterrupt();
      // Clear the typed line: go to its end, then delete back to the start (readline's own Ctrl-E, Ctrl-U).
      this.readline.write(null, { ctrl: true, name: 'e' });
      this.readline.write(null, { ctrl: true, name: 'u' });
    });
    this.readline.on('close', () => {
      this.closed = true;
      options.onEnd();
    });
  }

  /** Sets the prompt (redrawn at once if it is on screen); an empty prompt is not drawn at all. */
  setPrompt(text: string): void {
    this.prompt = text;
    this.readline.setPrompt(text);
    if (this.closed) return;
    if (this.shown && text) this.draw();
    else if (this.shown) this.clear('stderr');
    else this.scheduleRedraw();
  }

  /** Takes a line that was just entered out of the history (an answer to a question). */
  forget(line: string): void {
    const history = (this.readline as unknown as ReadlineInternals).history;
    if (history?.[0] === line) history.shift();
  }

  /** Before output: the prompt and typed line leave the screen. */
  clear(stream: Stream): void {
    if (stream === 'stdout' && !this.options.stdoutIsTerminal) return;
    if (!this.shown || this.closed) return;
    const out = this.options.output;
    moveCursor(out, 0, -this.readline.getCursorPos().rows);
    cursorTo(out, 0);
    clearScreenDown(out);
    (this.readline as unknown as ReadlineInternals).prevRows = 0;
    this.shown = false;
  }

  /** After output: draw the prompt again below what was written. */
  wrote(stream: Stream, text: string): void {
    if (stream === 'stdout' && !this.options.stdoutIsTerminal) return;
    if (text) this.midLine = !text.endsWith('\n');
    this.scheduleRedraw();
  }

  close(): void {
    if (this.closed) return;
    clearTimeout(this.redraw);
    this.clear('stderr');
    this.closed = true;
    this.readline.close();
  }

  private scheduleRedraw(): void {
    if (this.closed || this.shown || !this.prompt) return;
    clearTimeout(this.redraw);
    this.redraw = setTimeout(() => {
      this.redraw = undefined;
      if (this.closed || this.shown || !this.prompt) return;
      if (this.midLine) this.options.output.write('\n');
      this.midLine = false;
      this.draw();
    }, this.midLine ? MID_LINE_PAUSE_MS : 0);
  }

  private draw(): void {
    if (this.shown) this.clear('stderr');
    (this.readline as unknown as ReadlineInternals).prevRows = 0;
    this.readline.prompt(true);
    this.shown = true;
  }
}

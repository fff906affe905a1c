// The REPL's history, kept between sessions in the user's state directory ($XDG_STATE_HOME/codex-dbg/history,
// ~/.local/state/codex-dbg/history; the platform's own place on macOS and Windows), readable by the user
// alone (directory 0700, file 0600). Never kept: answers to questions (the REPL does not offer them), lines
// that look like they hold a secret, and lines that start with a space (as shells do).
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Lines kept; the file is cut back to this many when it has grown to twice as many. */
const KEEP = 1000;

export function historyFile(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const name = join('codex-dbg', 'history');
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, name);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', name);
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), name);
  return join(home, '.local', 'state', name);
}

// A key that names a secret, then a value; or a value that has the shape of a key or token.
const SECRET_KEY = /(?:token|secret|password|passwd|api[-_]?key|authorization|cookie|bearer)["']?\s*[:=\s]\s*["']?[^\s"',}]{6,}/i;
const SECRET_VALUE = [
  /\bsk-[A-Za-z0-9_-]{16,}/, // OpenAI-style keys
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // JWTs
  /\b(?:gh[pousr]|github_pat)_[A-Za-z0-9_]{20,}/, // GitHub tokens
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, // AWS access keys
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack tokens
];
/** A long run of key-like characters mixing digits, lower and upper case (not a path, a method or a uuid). */
const KEY_LIKE = /[A-Za-z0-9+_=-]{32,}/g;

export function looksSecret(line: string): boolean {
  if (SECRET_KEY.test(line) || SECRET_VALUE.some((pattern) => pattern.test(line))) return true;
  return (line.match(KEY_LIKE) ?? []).some((run) => /\d/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run));
}

export class History {
  private warned = false;

  constructor(
    readonly file: string,
    private readonly warn: (text: string) => void,
  ) {}

  /** Earlier lines, newest first (as readline takes them); none if the file cannot be read. */
  load(): string[] {
    let lines: string[];
    try {
      lines = existsSync(this.file) ? readFileSync(this.file, 'utf8').split('\n').filter(Boolean) : [];
    } catch (error) {
      this.fail(error);
      return [];
    }
    if (lines.length > 2 * KEEP) this.rewrite(lines.slice(-KEEP));
    return lines.slice(-KEEP).reverse();
  }

  /** Keeps a line the person typed, unless it must not be kept; true when it was kept. */
  add(line: string): boolean {
    if (line.trim() === '' || line.startsWith(' ') || looksSecret(line)) return false;
    try {
      this.ensureDirectory();
      appendFileSync(this.file, `${line}\n`, { mode: 0o600 });
      chmodSync(this.file, 0o600);
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  private rewrite(lines: string[]): void {
    try {
      writeFileSync(this.file, `${lines.join('\n')}\n`, { mode: 0o600 });
    } catch (error) {
      this.fail(error);
    }
  }

  private ensureDirectory(): void {
    const dir = dirname(this.file);
    if (existsSync(dir)) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }

  /** Said once: history is a convenience, never a reason to stop. */
  private fail(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(`codex-dbg: history not kept (${this.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

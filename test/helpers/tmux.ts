// A real terminal for tests: a tmux server on a private socket (in the pane's temporary directory, so it
// goes when the directory does) running one command in one pane, driven with
// send-keys and read with capture-pane. Every wait polls the pane for text with a generous deadline (the
// machine may be loaded); kill() stops the server and everything in the pane.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { tempDir } from './world.ts';

export const EXIT_MARK = '[command exited';

/** `tmux 3.3a`, or undefined where tmux is not installed (.ci/run installs it). */
export const TMUX_VERSION: string | undefined = (() => {
  const result = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
})();

export class TmuxPane {
  private constructor(
    private readonly socket: string,
    readonly dir: string,
  ) {}

  /** Starts `command` (argv) in a fresh pane, in `cwd`, with exactly `env`. */
  static async start(command: string[], options: { cwd: string; env: NodeJS.ProcessEnv; width?: number; height?: number }): Promise<TmuxPane> {
    if (!TMUX_VERSION) throw new Error('tmux is not installed: these tests need it (apt-get install tmux; .ci/run installs it)');
    const dir = tempDir('tmux');
    const socket = join(dir, 'socket');
    // A script sets the environment and runs the command, then says how it exited and keeps the pane open.
    const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    const exports = Object.entries(options.env)
      .filter(([name, value]) => value !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      .map(([name, value]) => `export ${name}=${quote(String(value))}`);
    const script = join(dir, 'run.sh');
    writeFileSync(script, [...exports, `cd ${quote(options.cwd)}`, `${command.map(quote).join(' ')}`, `echo "${EXIT_MARK} $?]"`, 'exec sleep 3600', ''].join('\n'));
    const pane = new TmuxPane(socket, dir);
    await pane.tmux(['-u', '-f', '/dev/null', 'new-session', '-d', '-s', 'test', '-x', String(options.width ?? 200), '-y', String(options.height ?? 50), `sh ${quote(script)}`]);
    return pane;
  }

  /** Keys as tmux names them (`Enter`, `Tab`, `C-c`, `Up`). */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', 'test', ...keys]);
  }

  /** Text typed as it is (no key names). */
  async type(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', 'test', '-l', text]);
  }

  /** Everything the pane shows and has scrolled away, wrapped lines joined, trailing blank lines dropped. */
  async capture(): Promise<string> {
    const result = await this.tmux(['capture-pane', '-p', '-J', '-t', 'test', '-S', '-']);
    return result.replace(/\s+$/, '');
  }

  /** The pane's text once it shows what is awaited (a string, a pattern, or a test of the whole text). */
  async waitFor(what: string | RegExp | ((text: string) => boolean), timeoutMs = 60_000): Promise<string> {
    const test = typeof what === 'function' ? what : (text: string) => (typeof what === 'string' ? text.includes(what) : what.test(text));
    const until = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.capture();
      if (test(text)) return text;
      if (Date.now() > until) throw new Error(`timed out waiting for ${String(what)} on the pane; it shows:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  /** The last line on the pane (the prompt line, when a prompt is shown). */
  async lastLine(): Promise<string> {
    return (await this.capture()).split('\n').pop() ?? '';
  }

  async kill(): Promise<void> {
    await x('tmux', ['-S', this.socket, 'kill-server'], { throwOnError: false });
  }

  private async tmux(args: string[]): Promise<string> {
    const result = await x('tmux', ['-S', this.socket, ...args], { throwOnError: false });
    if (result.exitCode !== 0) throw new Error(`tmux ${args[0]} failed (${result.exitCode}): ${result.stderr.trim()}`);
    return result.stdout;
  }
}

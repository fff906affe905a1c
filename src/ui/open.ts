// --open: shows the inspector in the user's browser. The token must not go on a command line (any local
// user can read another's), so the browser is given a private file (mode 0600, in a 0700 directory) that
// sends it on to the address with the token, as Jupyter does.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Opened {
  /** Removes the redirect file. */
  cleanup(): void;
}

/** The command that opens a file in the default browser here: $BROWSER, else the platform's opener. */
function opener(file: string): [string, string[]] {
  const browser = process.env.BROWSER;
  if (browser) return [browser, [file]];
  if (process.platform === 'darwin') return ['open', [file]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', file]];
  return ['xdg-open', [file]];
}

/** Opens `url` in a browser; `problem` hears why it could not (the URL is printed anyway). */
export function openInBrowser(url: string, problem: (text: string) => void): Opened {
  const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-open-'));
  const file = join(dir, 'inspector.html');
  const attribute = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${attribute}"><title>codex-dbg inspector</title><a href="${attribute}">open the inspector</a>\n`, { mode: 0o600 });
  const [command, args] = opener(file);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', (error: NodeJS.ErrnoException) => problem(`could not open a browser (${command}: ${error.code ?? error.message}); open the URL above yourself`));
    child.unref();
  } catch (error) {
    problem(`could not open a browser (${command}: ${(error as Error).message}); open the URL above yourself`);
  }
  return { cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

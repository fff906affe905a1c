// The file a recording's gzip parts are decompressed into for the inspector, so their rows, like a plain
// part's, can be read back from a place in a file.
import { mkdtempSync, openSync, rmdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbgError } from '../core/errors.ts';
import { PRIVATE_FILE_MODE } from '../recording/format.ts';
import type { FileBodies } from './bodies.ts';

/**
 * Where gzip parts are decompressed to: one file, created (only when a gzip part is met) in a private
 * directory, 0600. On POSIX both are removed right after opening, so nothing is left even if the process is
 * killed; Windows cannot remove an open file, so there they go at close.
 */
export class Spill {
  private number: number | undefined;
  private fd = -1;
  private dir: string | undefined;
  private size = 0;

  constructor(private readonly bodies: FileBodies) {}

  /** Its file number in the bodies (created on first use). */
  file(): number {
    if (this.number !== undefined) return this.number;
    const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-view-'));
    const path = join(dir, 'decompressed.jsonl');
    try {
      this.fd = openSync(path, 'wx+', PRIVATE_FILE_MODE);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw spillError(error);
    }
    if (process.platform === 'win32') this.dir = dir;
    else {
      unlinkSync(path);
      rmdirSync(dir);
    }
    this.number = this.bodies.addFd(this.fd);
    return this.number;
  }

  /** Appends the bytes; where they start. */
  write(chunk: Buffer): number {
    const at = this.size;
    try {
      for (let done = 0; done < chunk.length; ) done += writeSync(this.fd, chunk, done, chunk.length - done, at + done);
    } catch (error) {
      throw spillError(error);
    }
    this.size += chunk.length;
    return at;
  }

  /** After the bodies have closed it: the file and directory, where they are still there. */
  remove(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

function spillError(error: unknown): DbgError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new DbgError('E_RECORDING', `cannot decompress the recording into ${tmpdir()} (${code}); free space there or set TMPDIR to a roomier directory`);
}

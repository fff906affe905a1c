// Reading a JSON file that a user named (a plugins config, a model script, a rules file), with errors that
// start with where the name came from and say in words what is wrong: "--plugins-config x.json: no such file".
import { readFileSync } from 'node:fs';
import { DbgError, type ErrorCode } from '../core/errors.ts';

/** A failed file operation in words a user can act on. */
export function describeFileError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'ENOENT':
      return 'no such file (ENOENT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EISDIR':
      return 'is a directory, not a file (EISDIR)';
    default:
      return code ?? message;
  }
}

/** The parsed JSON; `label` ("--plugins-config x.json") starts every error, which has `code` (default E_USAGE). */
export function readJsonFile(path: string, label: string, code: ErrorCode = 'E_USAGE'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DbgError(code, `${label}: ${describeFileError(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DbgError(code, `${label}: invalid JSON: ${(error as Error).message}`);
  }
}

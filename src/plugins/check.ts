// Checks on a loaded plugin beyond its shape: every handler key must be a server request the protocol has
// (or "*"), so a typo such as ".../requestApprovall" is an error at start-up, not a handler never called.
import { DbgError } from '../core/errors.ts';
import { SERVER_REQUEST_METHODS } from '../codex/protocol.ts';
import { closest } from '../util/did-you-mean.ts';
import type { Plugin } from './contract.ts';

const KNOWN: ReadonlySet<string> = new Set(SERVER_REQUEST_METHODS);

/** Throws E_PLUGIN (exit 2) for a handler key that is neither a server-request method nor "*"; `where` names the plugin's source. */
export function checkHandlerKeys(plugin: Plugin, where: string): void {
  for (const key of Object.keys(plugin.handlers ?? {})) {
    if (key === '*' || KNOWN.has(key)) continue;
    const near = closest(key, SERVER_REQUEST_METHODS);
    const hint = near ? `did you mean "${near}"?` : `server requests are: ${SERVER_REQUEST_METHODS.join(', ')}; "*" answers any`;
    throw new DbgError('E_PLUGIN', `${where}: plugin "${plugin.name}" has a handler for "${key}", which is not a server request; ${hint}`);
  }
}

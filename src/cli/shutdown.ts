// The one way every command ends: flush stdout, stop the server (stdin closed, then terminate), dispose
// plugins in reverse, remove what was made for the run (a scripted model), close the recording. Safe when the client never started.
import type { Client } from './connect.ts';
import type { Prepared } from './lifecycle.ts';

export async function shutdown(prepared: Prepared, client: Client | undefined): Promise<void> {
  await prepared.output.end();
  if (client) {
    const exit = await client.close();
    prepared.recorder?.event('shutdown', { code: exit.code, signal: exit.signal });
  }
  await prepared.host.dispose();
  for (const cleanup of prepared.cleanups.splice(0).reverse()) await cleanup();
  prepared.recorder?.close();
}

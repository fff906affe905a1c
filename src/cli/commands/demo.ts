// `codex-dbg demo`: the whole flow in one offline command. The real codex app-server runs against the
// built-in script in a throwaway CODEX_HOME (ChatGPT mode) and working directory, with attestation-stub and
// auto-approve, shown by the pretty formatter, each step explained on stderr. Everything is removed after.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '../connect.ts';
import { ExitCode } from '../../core/errors.ts';
import { DEMO_SCRIPT, DEMO_TURNS } from '../../scripted/demo-script.ts';
import type { CommonOptions } from '../options.ts';
import { prepare, startClient } from '../lifecycle.ts';
import { startScriptedWorld } from '../../scripted/world.ts';
import { shutdown } from '../shutdown.ts';

export async function demoCommand(given: CommonOptions): Promise<number> {
  const workdir = mkdtempSync(join(tmpdir(), 'codex-dbg-demo-'));
  const options: CommonOptions = {
    ...given,
    approvalPolicy: 'untrusted',
    sandbox: 'workspace-write',
    cwd: workdir,
    plugins: [...given.plugins, { ref: 'attestation-stub', options: {} }, { ref: 'auto-approve', options: {} }],
    format: given.format ?? 'pretty',
  };
  const prepared = await prepare(options, 'pretty');
  const { output, color } = prepared;
  const say = (text: string) => {
    output.flush();
    output.line(color.bold(color.blue(`\n▶ ${text}`)));
  };
  prepared.cleanups.push(async () => rmSync(workdir, { recursive: true, force: true }));
  let client: Client | undefined;
  try {
    const world = await startScriptedWorld(DEMO_SCRIPT);
    prepared.cleanups.push(world.dispose);
    say(`codex-dbg demo: the real codex app-server, offline, against a scripted model at ${world.model.url}.`);
    output.line(`  throwaway CODEX_HOME ${world.home} (a fake ChatGPT login), working directory ${workdir}`);
    client = await startClient(options, prepared, world);
    const threadId = await client.session.startThread();
    output.line(`  initialize done (asked for requestAttestation, because attestation-stub is loaded); thread ${threadId}`);
    let failed = false;
    for (const turn of DEMO_TURNS) {
      say(turn.before);
      output.line(color.dim(`  you: ${turn.prompt}`));
      const done = await (await client.session.startTurn(turn.prompt)).done;
      if (done.status !== 'completed') failed = true;
    }
    say('What happened:');
    const hello = join(workdir, 'hello.txt');
    output.line(`  hello.txt: ${existsSync(hello) ? JSON.stringify(readFileSync(hello, 'utf8').trim()) : 'missing'}`);
    output.line(`  notes.md: ${existsSync(join(workdir, 'notes.md')) ? 'written' : 'missing'}`);
    const headers = world.model.requests.map((request) => String(request.headers['x-oai-attestation'] ?? '(none)'));
    const distinct = [...new Set(headers)];
    output.line(`  attestation: ${headers.length} model requests; x-oai-attestation ${distinct.length === 1 ? `on every one: ${distinct[0]}` : `varied: ${distinct.join(', ')}`}`);
    output.line('  (attestation-stub answered attestation/generate before each one; see the [attestation-stub] lines)');
    output.line('  Try it yourself: codex-dbg --scripted-model script.json --format pretty   (README: "Record, replay, script")');
    return failed ? ExitCode.failure : ExitCode.ok;
  } finally {
    await shutdown(prepared, client);
    output.line(color.dim('  cleaned up: server stopped, scripted model closed, temporary directories removed'));
  }
}

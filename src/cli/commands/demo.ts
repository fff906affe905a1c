// `codex-dbg demo`: the whole flow in one offline command. The real codex app-server runs against the
// built-in script in a throwaway CODEX_HOME (ChatGPT mode) and working directory, with attestation-stub and
// auto-approve, shown by the pretty formatter, each step explained on stderr. Everything is removed after.
// What it needs (codex, the plugins, the format) is checked before anything is made.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../core/errors.ts';
import { DEMO_SCRIPT, DEMO_TURNS } from '../../scripted/demo-script.ts';
import { startScriptedWorld } from '../../scripted/world.ts';
import { locateCodex } from '../../transports/locate-codex.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { loadPluginSet, openOutput, openRecorder, startPlugins, startServer, useColor } from '../setup.ts';
import { startValidation } from '../validation.ts';


/** The header codex sends when the answer to attestation/generate came too late. */
const LATE_ATTESTATION = '{"v":1,"s":1}';
export function demoCommand(given: CommonOptions): Promise<number> {
  return runCommand(given, async (scope) => {
    const options: CommonOptions = {
      ...given,
      approvalPolicy: 'untrusted',
      sandbox: 'workspace-write',
      plugins: [...given.plugins, { ref: 'attestation-stub', options: {} }, { ref: 'auto-approve', options: {} }],
      format: given.format ?? 'pretty',
    };
    const color = useColor(options);
    const set = await loadPluginSet(options, 'pretty');
    const codex = locateCodex({ codexBin: options.codexBin });

    const output = openOutput(scope);
    const say = (text: string) => {
      output.flush();
      output.stderrLine(color.bold(color.blue(`\n▶ ${text}`)));
    };
    const recorder = openRecorder(scope, options, (text) => output.stderrLine(`codex-dbg: ${text}`));
    const host = await startPlugins(scope, set, options, { output, color, recorder });
    const workdir = mkdtempSync(join(tmpdir(), 'codex-dbg-demo-'));
    scope.defer('remove the demo directory', () => {
      rmSync(workdir, { recursive: true, force: true });
      output.stderrLine(color.dim('  cleaned up: server stopped, scripted model closed, temporary directories removed'));
    });
    const world = await startScriptedWorld(DEMO_SCRIPT);
    scope.defer('stop the scripted model', () => world.dispose());
    say(`codex-dbg demo: the real codex app-server, offline, against a scripted model at ${world.model.url}.`);
    output.stderrLine(`  throwaway CODEX_HOME ${world.home} (a fake ChatGPT login), working directory ${workdir}`);
    const validation = await startValidation(scope, options, () => codex.path, { log: (text) => output.stderrLine(text), recorder });
    const { session } = await startServer(scope, { ...options, cwd: workdir }, { host, output, recorder, codex, world, validation });
    const threadId = await session.startThread();
    output.stderrLine(`  initialize done (asked for requestAttestation, because attestation-stub is loaded); thread ${threadId}`);
    let failed = false;
    for (const turn of DEMO_TURNS) {
      say(turn.before);
      output.stderrLine(color.dim(`  you: ${turn.prompt}`));
      const done = await (await session.startTurn(turn.prompt)).done;
      if (done.status !== 'completed') failed = true;
    }
    say('What happened:');
    const hello = join(workdir, 'hello.txt');
    output.stderrLine(`  hello.txt: ${existsSync(hello) ? JSON.stringify(readFileSync(hello, 'utf8').trim()) : 'missing'}`);
    output.stderrLine(`  notes.md: ${existsSync(join(workdir, 'notes.md')) ? 'written' : 'missing'}`);
    const headers = world.model.requests.map((request) => String(request.headers['x-oai-attestation'] ?? '(none)'));
    const counts = new Map<string, number>();
    for (const header of headers) counts.set(header, (counts.get(header) ?? 0) + 1);
    const [only] = counts.keys();
    const shown = counts.size === 1 ? `on every one: ${only}` : [...counts].map(([header, count]) => `${count} × ${header}`).join(', ');
    output.stderrLine(`  attestation: ${headers.length} model requests; x-oai-attestation ${shown}`);
    // codex waits about 100 ms for the answer; past that it sends s:1 and goes on (a busy machine, not a fault).
    if (counts.has(LATE_ATTESTATION)) output.stderrLine(`  (${LATE_ATTESTATION}: the answer came after codex stopped waiting for it, about 100 ms)`);
    output.stderrLine('  (attestation-stub answered attestation/generate before each one; see the [attestation-stub] lines)');
    output.stderrLine('  Try it yourself: codex-dbg --scripted-model script.json --format pretty   (README: "Record, replay, script")');
    return failed ? ExitCode.failure : ExitCode.ok;
  });
}

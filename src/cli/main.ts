// The command line: parse the arguments with cac and hand them to a command; returns its exit code.
import { cac } from 'cac';
import { callCommand } from './commands/call.ts';
import { demoCommand } from './commands/demo.ts';
import { execCommand } from './commands/exec.ts';
import { interactiveCommand } from './commands/interactive.ts';
import { replayCommand } from './commands/replay.ts';
import { tapCommand } from './commands/tap.ts';
import { watchCommand } from './commands/watch.ts';
import { shimCommand } from './commands/shim.ts';
import { serveCommand } from './commands/serve.ts';
import { usageError } from '../core/errors.ts';
import { readCommonOptions } from './options.ts';
import { reportError } from './lifecycle.ts';
import { VERSION } from '../version.ts';

function buildCli() {
  const cli = cac('codex-dbg');
  cli
    .option('--codex-bin <path>', 'codex executable (default: $CODEX_BIN, then codex on PATH, then the @openai/codex package)')
    .option('-c, --config <key=value>', 'config override passed to codex as --config (repeatable)')
    .option('--thread-id <id>', 'resume this thread instead of starting one')
    .option('--approval-policy <policy>', 'untrusted | on-request | never (default: on-request)')
    .option('--sandbox <mode>', 'read-only | workspace-write | danger-full-access')
    .option('--model <name>', 'model for the thread')
    .option('--model-provider <name>', 'model provider for the thread')
    .option('--cwd <path>', 'working directory for the thread')
    .option('--plugin <name[:k=v,...]>', 'a built-in plugin, a plugin file or package, with options (repeatable, asked in order)')
    .option('--plugins-config <file>', 'plugin options as JSON: {"plugin-name": {"key": value}}')
    .option('--format <name>', 'output: raw | final | pretty | jsonl | a formatter plugin (default: raw; exec: final)')
    .option('--auto-approve', 'accept command and file-change approvals (same as --plugin auto-approve)')
    .option('--final-only', 'print only completed items as readable lines (same as --format final)')
    .option('--record <file>', 'record every message, server stderr line and client event as JSON Lines')
    .option('--scripted-model <script.json>', 'run codex offline against a scripted model on 127.0.0.1, with a throwaway CODEX_HOME')
    .option('--record-secrets', 'keep tokens and keys in the recording (redacted by default)')
    .option('--request-timeout <ms>', 'how long to wait for a reply to each request (default: 30000)')
    .option('--handler-timeout <ms>', 'how long a plugin may take to answer a server request; 0: no limit (default: 10000)')
    .option('--max-line-bytes <n>', 'largest server line accepted, in bytes (default: 134217728)')
    .option('--opt-out <method>', 'ask the server not to send this notification (repeatable)')
    .option('--no-experimental-api', 'do not ask for the experimental API (test the stable surface)')
    .option('--server-log', "show the server's stderr live (it is always kept for diagnosis)")
    .option('--no-color', 'no colours (also when NO_COLOR is set or output is not a terminal)')
    .option('--debug', 'show stack traces for errors')
    .option('-v, --version', 'print the version');

  cli.command('', 'interactive session: a line starts a turn, :help lists commands (reads a pipe too)');
  cli
    .command('exec <prompt>', 'run one turn and exit: 0 completed, 1 failed/interrupted, 3 server died, 4 timed out; - reads the prompt from stdin')
    .option('--turn-timeout <seconds>', 'give up on the turn after this many seconds (exit 4)');
  cli.command('call <method> [json-params]', 'send one client request and print its result as JSON');
  cli.command('demo', 'see the whole flow offline in one command: streaming, an approval, a diff, attestation');
  cli.command('replay <recording>', "play a --record file through the plugins, no codex needed; exit 1 if any answer differs from the recording's");
  cli
    .command('tap', 'sit between a front end and its server: codex-dbg tap [options] -- <codex> app-server [args…]; bytes pass unchanged, observers see them')
    .option('--log <file>', 'write the traffic there, formatted by --format (default: pretty); never to the front end\'s stdout or stderr')
    .option('--intercept', 'let handler plugins answer server requests in the front end\'s place');
  cli.command('watch', 'show, live, the traffic of every running tap (started before or after watch), labelled by pid, client and cwd');
  cli.command('shim <install|remove> [dir]', 'install [dir] (default ~/.codex-dbg/shim): a `codex` there that taps app-server and records it; remove: undo');
  cli
    .command('serve <recording>', "play a recording's server side to the client on stdio (give it to a front end as its codex); exit 1 on any divergence")
    .option('--speed <factor>', 'replay the recorded timing at this speed (1: as recorded; default: as fast as the client goes)');
  // cac prints "(default: true)" for --no-* flags; that only confuses.
  cli.help((sections) => sections.map((section) => ({ ...section, body: section.body.replace(/ \(default: true\)/g, '') })));
  return cli;
}

// mri (cac's parser) drops a lone "-"; carry it through under another name.
const STDIN_ARG = '\u0000stdin';

export async function main(rawArgv: string[]): Promise<number> {
  const argv = rawArgv.map((arg) => (arg === '-' ? STDIN_ARG : arg));
  const cli = buildCli();
  let parsed: { args: readonly string[]; options: Record<string, unknown> };
  try {
    parsed = cli.parse(argv, { run: false }) as typeof parsed;
    if (parsed.options.help) return 0;
    if (parsed.options.version) {
      process.stdout.write(`codex-dbg ${VERSION}\n`);
      return 0;
    }
    cli.matchedCommand?.checkUnknownOptions();
    cli.matchedCommand?.checkOptionValue();
    cli.matchedCommand?.checkRequiredArgs();
  } catch (error) {
    return reportError(usageError(`${(error as Error).message} (codex-dbg --help lists the options)`), false);
  }
  const name = cli.matchedCommandName ?? (cli.matchedCommand ? '' : undefined);
  try {
    const options = readCommonOptions(parsed.options);
    if (name === 'exec') {
      const turnTimeout = parsed.options.turnTimeout === undefined ? undefined : Number(parsed.options.turnTimeout);
      if (turnTimeout !== undefined && !(turnTimeout > 0)) throw usageError('--turn-timeout: expected a number of seconds above 0');
      const prompt = String(parsed.args[0]);
      return await execCommand(prompt === STDIN_ARG ? '-' : prompt, options, { turnTimeout });
    }
    if (name === 'call') return await callCommand(String(parsed.args[0]), parsed.args[1], options);
    if (name === 'demo') return await demoCommand(options);
    if (name === 'replay') return await replayCommand(String(parsed.args[0]), options);
    if (name === 'shim') return await shimCommand(String(parsed.args[0]), parsed.args[1] === undefined ? undefined : String(parsed.args[1]), options);
    if (name === 'serve') {
      const speed = parsed.options.speed === undefined ? undefined : Number(parsed.options.speed);
      if (speed !== undefined && !(speed > 0)) throw usageError('--speed: expected a number above 0 (1 replays the recorded timing)');
      return await serveCommand(String(parsed.args[0]), options, { speed });
    }
    if (name === 'watch') return await watchCommand(options);
    if (name === 'tap') {
      const command = ((parsed.options['--'] as string[] | undefined) ?? []).map(String);
      const log = parsed.options.log === undefined ? undefined : String(parsed.options.log);
      const observeLimit = parsed.options.maxLineBytes === undefined ? undefined : options.maxLineBytes;
      return await tapCommand([...parsed.args.map(String), ...command], options, { log, intercept: Boolean(parsed.options.intercept), observeLimit });
    }
    if (parsed.args.length > 0) {
      throw usageError(`unknown command "${parsed.args[0]}" (commands: exec, call, replay, demo, tap, watch, shim, serve; a prompt for the interactive session goes on stdin)`);
    }
    return await interactiveCommand(options);
  } catch (error) {
    return reportError(error, Boolean(parsed.options.debug));
  }
}

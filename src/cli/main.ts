// The command line: parse the arguments (parse-args.ts, from the tables in command-line.ts) and hand them
// to a command; returns its exit code.
import { callCommand } from './commands/call.ts';
import { demoCommand } from './commands/demo.ts';
import { doctorCommand } from './commands/doctor.ts';
import { execCommand } from './commands/exec.ts';
import { interactiveCommand } from './commands/interactive.ts';
import { replayCommand } from './commands/replay.ts';
import { statsCommand } from './commands/stats.ts';
import { schemaCommand } from './commands/schema.ts';
import { viewCommand } from './commands/view.ts';
import { tapCommand } from './commands/tap.ts';
import { watchCommand } from './commands/watch.ts';
import { shimCommand } from './commands/shim.ts';
import { serveCommand } from './commands/serve.ts';
import { usageError } from '../core/errors.ts';
import { COMMANDS, SHELLS, findCommand } from './command-line.ts';
import { commandHelp, programHelp } from './help.ts';
import { positiveNumberFlag, readCommonOptions } from './options.ts';
import { parseArgs, type ParsedArgs } from './parse-args.ts';
import { reportError } from './lifecycle.ts';
import { completionScript } from './shell-completion.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { VERSION } from '../version.ts';

/** `argv` is process.argv: the runtime and the script come first. */
export async function main(argv: string[]): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv.slice(2));
  } catch (error) {
    return reportError(error, false);
  }
  const { command, args, options: raw } = parsed;
  // How the command line was read, as JSON, and nothing run: for bug reports and the runtime tests.
  if (process.env.CODEX_DBG_PRINT_ARGS === '1') return print(JSON.stringify(parsed));
  try {
    if (raw.help) return print(commandHelp(findCommand(command) ?? COMMANDS[0]));
    if (raw.version) return print(`codex-dbg ${VERSION}`);
    if (command === 'help') return print(helpFor(args[0]));
    if (command === 'completion') return print(completionFor(String(args[0])).trimEnd());
    const options = readCommonOptions(raw);
    if (command === 'exec') return await execCommand(String(args[0]), options);
    if (command === 'call') return await callCommand(String(args[0]), args[1], options);
    if (command === 'demo') return await demoCommand(options);
    if (command === 'doctor') return await doctorCommand(options, { json: Boolean(raw.json) });
    if (command === 'replay') return await replayCommand(String(args[0]), options);
    if (command === 'stats') return await statsCommand(String(args[0]), { json: Boolean(raw.json), top: raw.top, debug: Boolean(raw.debug) });
    if (command === 'schema') return await schemaCommand(String(args[0]), args.slice(1).map(String), options);
    if (command === 'view') return await viewCommand(String(args[0]), options);
    if (command === 'tap') return await tapCommand(args.map(String), options, { log: raw.log === undefined ? undefined : String(raw.log), intercept: Boolean(raw.intercept), observeLimit: raw.maxLineBytes === undefined ? undefined : options.maxLineBytes });
    if (command === 'watch') return await watchCommand(options);
    if (command === 'shim') return await shimCommand(String(args[0]), args[1] === undefined ? undefined : String(args[1]), options);
    if (command === 'serve') return await serveCommand(String(args[0]), options, { speed: positiveNumberFlag('--speed', raw.speed, 'a number above 0 (1 replays the recorded timing)') });
    return await interactiveCommand(options);
  } catch (error) {
    return reportError(error, Boolean(raw.debug));
  }
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

function helpFor(name: string | undefined): string {
  if (name === undefined) return programHelp();
  const command = findCommand(name);
  if (!command || name === '') {
    const names = COMMANDS.map((spec) => spec.name).filter(Boolean);
    throw usageError(`help ${name}: no such command${didYouMean(name, names)}; the commands are ${names.join(', ')}`);
  }
  return commandHelp(command);
}

function completionFor(shell: string): string {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw usageError(`completion ${shell}: no script for this shell${didYouMean(shell, SHELLS)}; use one of: ${SHELLS.join(', ')}`);
  }
  return completionScript(shell as (typeof SHELLS)[number]);
}

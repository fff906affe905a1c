// Reads a command line as people write it: flags before or after the command, `--flag value` and
// `--flag=value`, `-c value`, `--no-<flag>`, on/off flags that never take the next word, a flag whose value
// is optional (`--validate`, `--validate=strict`: only after =), repeated flags,
// `--` to end the flags, and a lone `-` as an argument. Every mistake is a usage error of one line that
// names the flag or command, with a did-you-mean where one is close.
//
// cac does the parsing, declared from the tables in command-line.ts: it matches the command, reads each
// flag as that command declares it (on/off, a value, a list), folds `-c` into `--config`, and counts the
// arguments. In front of it, our own pass looks up every flag word (so an unknown one gets a did-you-mean
// and a missing value an exact message) and rewrites the line into a form cac cannot misread:
// - an on/off flag becomes `--camelName=true|false`: cac tells its parser (mri) the camelCased name is the
//   on/off one, so `--auto-approve` written with dashes would take the next word as its value;
// - a flag's value is joined to it and marked (`--record=<MARK>007`): mri turns a value that looks like a
//   number into one (`007` becomes 7) and takes the next word for an empty `--record=`;
// - an argument that is empty or starts with `-` (a lone `-`, what follows `--`) is marked, or mri reads it
//   as a flag (and cac drops an empty one).
// The mark is a NUL, which no real argument can contain; it is taken off everything cac hands back.
import { cac, type CAC, type Command } from 'cac';
import { usageError } from '../core/errors.ts';
import { argsSyntax, COMMANDS, FLAGS, findCommand, REFUSED_FLAGS, flagSyntax, flagText, flagsOf, optionKey, type CommandName, type CommandSpec, type FlagSpec } from './command-line.ts';
import { didYouMean } from '../util/did-you-mean.ts';

export type OptionValue = string | string[] | boolean;

export interface ParsedArgs {
  command: CommandName;
  /** The arguments after the command word. */
  args: string[];
  /** By camelCase key (`autoApprove`); on/off flags are booleans, `--no-x` is false, repeatable flags are lists. */
  options: Record<string, OptionValue>;
}

const MARK = '\u0000';
const TRUE_FALSE: Record<string, boolean> = { true: true, false: false };
const FLAG_BY_KEY = new Map(FLAGS.map((flag) => [optionKey(flag.name), flag]));

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const { line, written } = normalise(argv);
  const cli = declareCommands();
  const parsed = cli.parse(['', '', ...line], { run: false });
  // The interactive session is cac's default command, so some command always matches.
  const matched = cli.matchedCommand as Command;
  const spec = findCommand(cli.matchedCommandName ?? '') as CommandSpec;
  const args = parsed.args.map(unmark);
  if (spec.name === '' && args.length > 0) throw unknownCommand(args[0] as string);

  const options: Record<string, OptionValue> = {};
  for (const [key, as] of written) {
    if (!matched.hasOption(key)) throw notAFlagOf(as, spec);
    options[key] = oneValue(FLAG_BY_KEY.get(key) as FlagSpec, as, parsed.options[key]);
  }
  if (!options.help && !options.version) checkArgs(matched, spec, args);
  return { command: spec.name, args, options };
}

/** cac's commands and flags, from the tables; a fresh one per parse, as cac keeps what it last matched. */
function declareCommands(): CAC {
  const cli = cac('codex-dbg');
  // cac gives a `--no-x` flag the value true when it is not written; a flag not written stays absent here.
  cli.globalCommand.ignoreOptionDefaultValue();
  for (const spec of COMMANDS) {
    const command = cli.command(`${spec.name} ${argsSyntax(spec)}`.trim(), spec.summary);
    for (const flag of flagsOf(spec.name)) {
      // cac is always handed `--flag=value` (see normalise), so a flag with a bare value is declared as taking one.
      const syntax = flag.bare === undefined ? flagSyntax(flag) : flagSyntax({ ...flag, bare: undefined });
      command.option(syntax, flag.description, flag.repeatable ? { type: [String] } : undefined);
    }
  }
  return cli;
}

/**
 * The line rewritten for cac (see the top of this file), and each flag given, by its key, as it was first
 * written (`-c`, `--no-color`), for the messages.
 */
function normalise(argv: readonly string[]): { line: string[]; written: Map<string, string> } {
  const line: string[] = [];
  const written = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string;
    if (word === '--') {
      line.push(...argv.slice(index + 1).map(asArgument));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      line.push(asArgument(word));
      continue;
    }
    const { flag, as, inline } = lookUpFlag(word);
    const key = optionKey(flag.name);
    if (!written.has(key)) written.set(key, as);
    if (!flag.value) {
      // `--debug=false` and `--no-color=false` are understood; anything else after = is a mistake.
      const on = inline === undefined ? true : TRUE_FALSE[inline];
      if (on === undefined) throw usageError(`${as} takes no value (it is on or off); got "${inline}"`);
      line.push(`--${key}=${flag.negated ? !on : on}`);
      continue;
    }
    let value = inline ?? flag.bare;
    if (value === undefined) {
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        throw usageError(`${as} needs a value: ${as} ${flag.value}${next === undefined ? '' : ` (for a value that starts with -, write ${as}=${next})`}`);
      }
      value = next;
      index++;
    }
    line.push(`--${key}=${MARK}${value}`);
  }
  return { line, written };
}

function asArgument(word: string): string {
  return word === '' || word.startsWith('-') ? `${MARK}${word}` : word;
}

function unmark(value: string): string {
  return value.startsWith(MARK) ? value.slice(MARK.length) : value;
}

/** The flag a word names, as written (`--record`, `-c`), and a value joined to it (`--record=x`, `-ck=v`). */
function lookUpFlag(word: string): { flag: FlagSpec; as: string; inline?: string } {
  const long = word.startsWith('--');
  const equals = word.indexOf('=');
  const name = long ? word.slice(2, equals === -1 ? undefined : equals) : word.slice(1, 2);
  const inline = long ? (equals === -1 ? undefined : word.slice(equals + 1)) : word.length > 2 ? word.slice(2).replace(/^=/, '') : undefined;
  let flag = long ? FLAGS.find((candidate) => candidate.name === name && !candidate.negated) : FLAGS.find((candidate) => candidate.short === name);
  if (!flag && long && name.startsWith('no-')) {
    flag = FLAGS.find((candidate) => candidate.name === name.slice(3) && candidate.negated);
  }
  const as = long ? `--${name}` : `-${name}`;
  const refusal = !flag && Object.hasOwn(REFUSED_FLAGS, name) ? REFUSED_FLAGS[name] : undefined;
  if (refusal) throw usageError(`${as}: ${refusal}`);
  if (!flag) {
    const known = FLAGS.flatMap((candidate) => [flagText(candidate), ...(candidate.short ? [`-${candidate.short}`] : [])]);
    // `--color` for a flag that is only ever turned off (`--no-color`).
    const twin = FLAGS.find((candidate) => candidate.negated && candidate.name === name);
    const hint = twin ? ` (did you mean ${flagText(twin)}?)` : didYouMean(as, known);
    throw usageError(`unknown flag ${as}${hint} (codex-dbg --help lists the flags)`);
  }
  if (!long && !flag.value && inline !== undefined) {
    // `-hv`: one-letter on/off flags run together are not supported; say so rather than guess.
    throw usageError(`-${name}${inline}: give one-letter flags separately (-${name} -${inline[0]})`);
  }
  return { flag, as, inline };
}

/**
 * What cac read for one flag, unmarked: a list for a repeatable flag (cac made it one), the last word for an
 * on/off flag, and for a flag with one value, that value (given twice, it must be the same both times).
 */
function oneValue(flag: FlagSpec, as: string, read: unknown): OptionValue {
  const values = [read].flat().map((value) => (typeof value === 'string' ? unmark(value) : value)) as (string | boolean)[];
  if (flag.repeatable) return values as string[];
  if (!flag.value) return values[values.length - 1] as boolean;
  const [first, ...later] = values as string[];
  const other = later.find((value) => value !== first);
  if (other !== undefined) throw usageError(`${as} was given twice ("${first}", then "${other}"); it takes one value`);
  return first as string;
}

/** cac counts the arguments; the messages say what the command takes. */
function checkArgs(command: Command, spec: CommandSpec, args: string[]): void {
  const usage = `codex-dbg ${spec.name} ${argsSyntax(spec)}`.trim();
  try {
    command.checkRequiredArgs();
  } catch {
    const missing = spec.args.filter((arg) => arg.required).slice(args.length).map((arg) => `<${arg.name}>`);
    throw usageError(`${spec.name} needs ${missing.join(' and ')}: ${usage}`);
  }
  try {
    command.checkUnusedArgs();
  } catch {
    const extra = args.slice(spec.args.length).map((arg) => JSON.stringify(arg));
    const takes = spec.args.length === 0 ? 'no arguments' : spec.args.length === 1 ? 'one argument' : `at most ${spec.args.length} arguments`;
    throw usageError(`${spec.name} takes ${takes}; left over: ${extra.join(' ')} (usage: ${usage}; quote an argument that has spaces)`);
  }
}

function unknownCommand(word: string) {
  const names = COMMANDS.map((command) => command.name).filter(Boolean);
  return usageError(
    `unknown command "${word}"${didYouMean(word, names)}; the commands are ${names.join(', ')} (a prompt goes on the interactive session's input, or: codex-dbg exec "<prompt>")`,
  );
}

function notAFlagOf(as: string, spec: CommandSpec) {
  return spec.name === ''
    ? usageError(`${as} is not a flag of the interactive session (codex-dbg --help lists its flags)`)
    : usageError(`${as} is not a flag of ${spec.name} (codex-dbg help ${spec.name} lists its flags)`);
}

// Reads a command line as people write it, from the tables in command-line.ts: flags before or after the
// command, `--flag value` and `--flag=value`, `-c value`, `--no-<flag>`, on/off flags that never take the
// next word, repeated flags, `--` to end the flags, and a lone `-` as an argument. Every mistake is a usage
// error that names the flag or command, with a did-you-mean where one is close.
import { usageError } from '../core/errors.ts';
import { COMMANDS, FLAGS, findCommand, flagText, optionKey, type CommandName, type CommandSpec, type FlagSpec } from './command-line.ts';
import { didYouMean } from './suggest.ts';

export type OptionValue = string | string[] | boolean;

export interface ParsedArgs {
  command: CommandName;
  /** The arguments after the command word. */
  args: string[];
  /** By camelCase key (`autoApprove`); on/off flags are booleans, `--no-x` is false, repeatable flags are lists. */
  options: Record<string, OptionValue>;
}

const TRUE_FALSE: Record<string, boolean> = { true: true, false: false };

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const given: { flag: FlagSpec; written: string; value: string | boolean }[] = [];
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string;
    if (word === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const { flag, written, inline } = lookUpFlag(word);
    if (!flag.value) {
      // `--debug=false` and `--no-color=false` are understood; anything else after = is a mistake.
      const on = inline === undefined ? true : TRUE_FALSE[inline];
      if (on === undefined) throw usageError(`${written} takes no value (it is on or off); got "${inline}"`);
      given.push({ flag, written, value: flag.negated ? !on : on });
      continue;
    }
    if (inline !== undefined) {
      given.push({ flag, written, value: inline });
      continue;
    }
    const next = argv[index + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-')) {
      throw usageError(`${written} needs a value: ${written} ${flag.value}${next === undefined ? '' : ` (for a value that starts with -, write ${written}=${next})`}`);
    }
    given.push({ flag, written, value: next });
    index++;
  }

  const [first, ...rest] = positionals;
  const command = first !== undefined ? findCommand(first) : undefined;
  const spec = command && command.name !== '' ? command : (findCommand('') as CommandSpec);
  const args = spec === command ? rest : positionals;
  if (spec.name === '' && args.length > 0) throw unknownCommand(args[0] as string);

  const options: Record<string, OptionValue> = {};
  for (const { flag, written, value } of given) {
    if (!flag.commands.includes(spec.name)) throw notAFlagOf(written, spec);
    const key = optionKey(flag.name);
    const before = options[key];
    if (flag.repeatable) options[key] = [...((before as string[] | undefined) ?? []), value as string];
    else if (before !== undefined && before !== value && typeof value === 'string') {
      throw usageError(`${written} was given twice ("${before}", then "${value}"); it takes one value`);
    } else options[key] = value;
  }
  if (!options.help && !options.version) checkArgs(spec, args);
  return { command: spec.name, args, options };
}

/** The flag a word names, as written (`--record`, `-c`), and a value joined to it (`--record=x`, `-ck=v`). */
function lookUpFlag(word: string): { flag: FlagSpec; written: string; inline?: string } {
  const long = word.startsWith('--');
  const equals = word.indexOf('=');
  const name = long ? word.slice(2, equals === -1 ? undefined : equals) : word.slice(1, 2);
  const inline = long ? (equals === -1 ? undefined : word.slice(equals + 1)) : word.length > 2 ? word.slice(2).replace(/^=/, '') : undefined;
  let flag = long ? FLAGS.find((candidate) => candidate.name === name && !candidate.negated) : FLAGS.find((candidate) => candidate.short === name);
  if (!flag && long && name.startsWith('no-')) {
    flag = FLAGS.find((candidate) => candidate.name === name.slice(3) && candidate.negated);
  }
  if (!flag) {
    const known = FLAGS.flatMap((candidate) => [flagText(candidate), ...(candidate.short ? [`-${candidate.short}`] : [])]);
    const written = long ? `--${name}` : `-${name}`;
    // `--color` for a flag that is only ever turned off (`--no-color`).
    const twin = FLAGS.find((candidate) => candidate.negated && candidate.name === name);
    const hint = twin ? ` (did you mean ${flagText(twin)}?)` : didYouMean(written, known);
    throw usageError(`unknown flag ${written}${hint} (codex-dbg --help lists the flags)`);
  }
  if (!long && !flag.value && inline !== undefined) {
    // `-hv`: one-letter on/off flags run together are not supported; say so rather than guess.
    throw usageError(`-${name}${inline}: give one-letter flags separately (-${name} -${inline[0]})`);
  }
  return { flag, written: long ? `--${name}` : `-${name}`, inline };
}

function unknownCommand(word: string) {
  const names = COMMANDS.map((command) => command.name).filter(Boolean);
  return usageError(
    `unknown command "${word}"${didYouMean(word, names)}; the commands are ${names.join(', ')} (a prompt goes on the interactive session's input, or: codex-dbg exec "<prompt>")`,
  );
}

function notAFlagOf(written: string, spec: CommandSpec) {
  return spec.name === ''
    ? usageError(`${written} is not a flag of the interactive session (codex-dbg --help lists its flags)`)
    : usageError(`${written} is not a flag of ${spec.name} (codex-dbg help ${spec.name} lists its flags)`);
}

function checkArgs(spec: CommandSpec, args: string[]): void {
  const usage = `${spec.name} ${spec.args.map((arg) => (arg.required ? `<${arg.name}>` : `[${arg.name}]`)).join(' ')}`.trim();
  const required = spec.args.filter((arg) => arg.required);
  if (args.length < required.length) {
    const missing = required.slice(args.length).map((arg) => `<${arg.name}>`);
    throw usageError(`${spec.name} needs ${missing.join(' and ')}: codex-dbg ${usage}`);
  }
  if (args.length > spec.args.length) {
    const extra = args.slice(spec.args.length).map((arg) => JSON.stringify(arg));
    const takes = spec.args.length === 0 ? 'no arguments' : `${spec.args.length === 1 ? 'one argument' : `at most ${spec.args.length} arguments`}`;
    throw usageError(`${spec.name} takes ${takes}; left over: ${extra.join(' ')} (usage: codex-dbg ${usage}; quote an argument that has spaces)`);
  }
}

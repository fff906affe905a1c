// `--help`, `help <command>` and `<command> --help`, made from the tables in command-line.ts: the whole
// program lists its commands and the interactive session's flags; a command lists only the flags it takes.
import { VERSION } from '../version.ts';
import { argsSyntax, COMMANDS, flagSyntax, flagsOf, type CommandSpec, type FlagSpec } from './command-line.ts';

/** Two columns, no trailing spaces; a left column wider than `maxLeft` puts its description on the next line. */
export function columns(rows: [string, string][], maxLeft = 30, indent = '  '): string {
  const width = Math.min(maxLeft, Math.max(...rows.map(([left]) => left.length)));
  return rows
    .map(([left, right]) => {
      if (!right) return `${indent}${left}`;
      if (left.length > width) return `${indent}${left}\n${indent}${' '.repeat(width + 2)}${right}`;
      return `${indent}${left.padEnd(width)}  ${right}`;
    })
    .join('\n');
}

export function usageLine(command: CommandSpec): string {
  const takesFlags = flagsOf(command.name).some((flag) => flag.name !== 'help' && flag.name !== 'version' && flag.name !== 'debug');
  return ['codex-dbg', command.name, argsSyntax(command), takesFlags ? '[flags]' : ''].filter(Boolean).join(' ');
}

function flagRows(flags: FlagSpec[]): [string, string][] {
  return flags.map((flag) => [flagSyntax(flag), flag.description]);
}

export function programHelp(): string {
  const session = COMMANDS[0] as CommandSpec;
  return [
    `codex-dbg ${VERSION}: a debugging client for codex app-server`,
    '',
    'Usage:',
    columns(COMMANDS.map((command) => [usageLine(command), command.summary]), 45),
    '',
    'Flags of the interactive session (codex-dbg help <command> lists the flags of each command):',
    columns(flagRows(flagsOf(session.name))),
  ].join('\n');
}

export function commandHelp(command: CommandSpec): string {
  if (command.name === '') return programHelp();
  return [`Usage: ${usageLine(command)}`, '', command.summary, ...(command.details ?? []), '', 'Flags:', columns(flagRows(flagsOf(command.name)))].join('\n');
}

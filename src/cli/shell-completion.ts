// `codex-dbg completion bash|zsh|fish`: a completion script made from the tables in command-line.ts, so
// it offers exactly the commands, the flags each command takes, and the values a flag or argument takes
// (files, directories, codex's client methods for `call`, fixed lists such as --approval-policy's).
import { CLIENT_METHODS } from '../codex/client-methods.ts';
import { COMMANDS, FLAGS, flagsOf, flagText, type CommandSpec, type Completion, type FlagSpec } from './command-line.ts';

type Shell = 'bash' | 'zsh' | 'fish';

const commandWords = COMMANDS.map((command) => command.name).filter(Boolean);
// A flag with a bare value (--validate) takes its own only after =, never as the next word.
const valueFlags = FLAGS.filter((flag) => flag.value && flag.bare === undefined);

/** The words that name a flag: `--record`, and `-c` too. */
function words(flag: FlagSpec): string[] {
  return [flagText(flag), ...(flag.short ? [`-${flag.short}`] : [])];
}

function listOf(completion: Completion | undefined): string[] | undefined {
  if (completion === 'method') return [...CLIENT_METHODS];
  return Array.isArray(completion) ? [...completion] : undefined;
}

/** Single-quoted for a POSIX shell (and fish: none of our words holds a quote or a backslash). */
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function completionScript(shell: Shell): string {
  if (shell === 'fish') return fishScript();
  return posixScript(shell === 'bash' ? BASH : ZSH);
}

/** What bash and zsh differ in; the script itself is the same for both (posixScript). */
interface PosixShell {
  /** Lines before the function: how to install it (and zsh's #compdef tag). */
  header: string[];
  /** The array holding the words of the line, the index of the word being completed, and of the first word after the program. */
  words: string;
  current: string;
  first: number;
  /** The statement that offers a completion; for none, the statement that offers nothing. */
  offer(completion: Completion | undefined): string;
  /** The line that registers the function. */
  footer: string;
}

const BASH: PosixShell = {
  header: ['# bash completion for codex-dbg: eval "$(codex-dbg completion bash)" in ~/.bashrc'],
  words: 'COMP_WORDS',
  current: 'COMP_CWORD',
  first: 1,
  offer(completion) {
    if (completion === 'file') return 'COMPREPLY=($(compgen -f -- "$cur"))';
    if (completion === 'directory') return 'COMPREPLY=($(compgen -d -- "$cur"))';
    const list = listOf(completion);
    return list ? `COMPREPLY=($(compgen -W ${quote(list.join(' '))} -- "$cur"))` : 'COMPREPLY=()';
  },
  footer: 'complete -o default -F _codex_dbg codex-dbg',
};

const ZSH: PosixShell = {
  header: ['#compdef codex-dbg', '# zsh completion for codex-dbg: eval "$(codex-dbg completion zsh)" in ~/.zshrc, after compinit'],
  words: 'words',
  current: 'CURRENT',
  first: 2,
  offer(completion) {
    if (completion === 'file') return '_files';
    if (completion === 'directory') return '_directories';
    const list = listOf(completion);
    return list ? `compadd -- ${list.map(quote).join(' ')}` : ':';
  },
  footer: 'compdef _codex_dbg codex-dbg',
};

/**
 * The bash or zsh script: find the command word and count the arguments after it, then offer the value of
 * the flag just typed, the flags of the command, or its next argument.
 */
function posixScript(shell: PosixShell): string {
  const { offer } = shell;
  const args = (command: CommandSpec) => {
    if (command.name === '') return offer(commandWords);
    const arms = command.args.map((arg, index) => `${index}) ${offer(arg.complete)} ;;`);
    return arms.length === 0 ? offer(undefined) : `case $nargs in ${arms.join(' ')} esac`;
  };
  return [
    ...shell.header,
    '_codex_dbg() {',
    `  local cur=\${${shell.words}[${shell.current}]} prev=\${${shell.words}[${shell.current}-1]} cmd= nargs=0 i w`,
    `  for ((i = ${shell.first}; i < ${shell.current}; i++)); do`,
    `    w=\${${shell.words}[i]}`,
    '    case $w in',
    `      ${valueFlags.flatMap(words).join('|')}) ((i++)) ;;`,
    '      -*) ;;',
    `      *) if [[ -z $cmd && " ${commandWords.join(' ')} " == *" $w "* ]]; then cmd=$w; else ((nargs++)); fi ;;`,
    '    esac',
    '  done',
    '  case $prev in',
    ...valueFlags.map((flag) => `    ${words(flag).join('|')}) ${offer(flag.complete)}; return ;;`),
    '  esac',
    '  if [[ $cur == -* ]]; then',
    '    case $cmd in',
    ...COMMANDS.map((command) => `      ${command.name || "''"}) ${offer(flagsOf(command.name).flatMap(words))} ;;`),
    '    esac',
    '    return',
    '  fi',
    '  case $cmd in',
    ...COMMANDS.map((command) => `    ${command.name || "''"}) ${args(command)} ;;`),
    '  esac',
    '}',
    shell.footer,
    '',
  ].join('\n');
}

function fishScript(): string {
  const lines = [
    '# fish completion for codex-dbg: codex-dbg completion fish > ~/.config/fish/completions/codex-dbg.fish',
    '# The command word on the line so far, or - for the interactive session.',
    'function __codex_dbg_command',
    '    set -l skip 0',
    '    for w in (commandline -opc)[2..-1]',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    '        switch $w',
    `            case ${valueFlags.flatMap(words).map(quote).join(' ')}`,
    '                set skip 1',
    `            case ${commandWords.join(' ')}`,
    '                echo $w',
    '                return',
    '        end',
    '    end',
    '    echo -',
    'end',
    'function __codex_dbg_in',
    '    contains -- (__codex_dbg_command) $argv',
    'end',
    'complete -c codex-dbg -f',
  ];
  for (const command of COMMANDS.filter((spec) => spec.name)) {
    lines.push(`complete -c codex-dbg -n '__codex_dbg_in -' -a ${command.name} -d ${quote(command.summary)}`);
    const first = command.args[0];
    if (first?.complete === 'file') lines.push(`complete -c codex-dbg -n '__codex_dbg_in ${command.name}' -F`);
    const list = listOf(first?.complete);
    if (list) lines.push(`complete -c codex-dbg -n '__codex_dbg_in ${command.name}' -a ${quote(list.join(' '))}`);
  }
  for (const flag of FLAGS) {
    const names = `${flag.short ? `-s ${flag.short} ` : ''}-l ${flagText(flag).slice(2)}`;
    const takers = flag.commands.map((name) => name || '-').join(' ');
    let value = '';
    if (flag.value && flag.bare === undefined) {
      const list = listOf(flag.complete);
      if (flag.complete === 'file') value = ' -r -F';
      else if (flag.complete === 'directory') value = " -x -a '(__fish_complete_directories)'";
      else value = list ? ` -x -a ${quote(list.join(' '))}` : ' -x';
    }
    lines.push(`complete -c codex-dbg -n '__codex_dbg_in ${takers}' ${names}${value} -d ${quote(flag.description)}`);
  }
  return `${lines.join('\n')}\n`;
}

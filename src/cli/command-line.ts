// The command line, declared once: every command and every flag, with what it takes and which commands
// take it. The parser (cac, declared from these tables in parse-args.ts), `--help` and `help <command>`
// (help.ts) and the shell completions (shell-completion.ts) are all made from them.
//
// To add a flag: add one entry to FLAGS below (its name without dashes, `value` for a flag that takes one,
// a description, and the commands that take it: the groups SERVER, THREAD, PLUGINS or a list), then read
// it in readCommonOptions (options.ts) as raw.<camelCaseName>, or in the command that uses it. Nothing else:
// parsing, help and completions follow. To add a command: one entry in COMMANDS, its run in main.ts.
import { builtinFormatters } from '../plugins/builtin/index.ts';
import { APPROVAL_POLICIES, SANDBOX_MODES } from './options.ts';

export type CommandName = '' | 'exec' | 'call' | 'replay' | 'stats' | 'view' | 'tap' | 'watch' | 'shim' | 'serve' | 'schema' | 'demo' | 'doctor' | 'help' | 'completion';

export interface ArgSpec {
  name: string;
  required: boolean;
  /** What a shell completes for it. */
  complete?: Completion;
}

export interface CommandSpec {
  /** '' is the interactive session (no command word). */
  name: CommandName;
  args: ArgSpec[];
  /** One line for the list of commands. */
  summary: string;
  /** More, shown by `help <command>`. */
  details?: string[];
}

/** What a shell offers for a value: files, directories, codex's client methods, or a fixed list. */
export type Completion = 'file' | 'directory' | 'method' | readonly string[];

export interface FlagSpec {
  /** The long name without dashes; its parsed value is under the camelCase key (`auto-approve` → autoApprove). */
  name: string;
  /** A one-letter alias (`-c`). */
  short?: string;
  /** The value's name in help (`<path>`); absent for an on/off flag, which never takes the next word. */
  value?: string;
  /** The value of the flag written alone: its own value then comes only after `=` (`--validate=strict`), never as the next word. */
  bare?: string;
  /** An on/off flag that is on by default and written `--no-<name>` (its value is then false). */
  negated?: boolean;
  /** Given more than once, its values collect into a list; otherwise a second, different value is an error. */
  repeatable?: boolean;
  description: string;
  commands: readonly CommandName[];
  complete?: Completion;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export const COMMANDS: CommandSpec[] = [
  {
    name: '',
    args: [],
    summary: 'interactive session: a line starts a turn, :help lists the commands (reads a pipe too)',
    details: [
      'At a terminal the prompt stays live while a turn runs: a line steers the running turn (turn/steer),',
      ':interrupt stops it, :status shows it. From a pipe each line waits for what it started.',
    ],
  },
  {
    name: 'exec',
    args: [{ name: 'prompt', required: true }],
    summary: 'run one turn and exit (0 completed, 1 failed or interrupted, 3 server died, 4 timed out)',
    details: ['A prompt of - is read from stdin.'],
  },
  {
    name: 'call',
    args: [
      { name: 'method', required: true, complete: 'method' },
      { name: 'json-params', required: false },
    ],
    summary: 'send one client request and print its result as JSON',
    details: ['The result goes to stdout (exit 0); an error reply goes to stderr as JSON (exit 1).'],
  },
  {
    name: 'replay',
    args: [{ name: 'recording', required: true, complete: 'file' }],
    summary: "play a --record file through the plugins, no codex needed; exit 1 if any answer differs from the recording's",
  },
  {
    name: 'stats',
    args: [{ name: 'recording', required: true, complete: 'file' }],
    summary: 'what happened in a recorded session: messages, turns, server requests and who answered, errors',
    details: ['Reads .gz recordings and numbered parts too; --json gives the same as one JSON object.'],
  },
  {
    name: 'view',
    args: [{ name: 'recording', required: true, complete: 'file' }],
    summary: 'open a --record file in the inspector page (with --open, in a browser); Ctrl-C stops it',
    details: ['Any part of a recording opens all of it, plain or gzip. The page is served on 127.0.0.1 with a token in its URL; only that URL opens it.'],
  },
  {
    name: 'tap',
    args: [{ name: '...server-command', required: false }],
    summary: "sit between a front end and its server: codex-dbg tap [flags] -- <codex> app-server [args…]; bytes pass unchanged",
    details: [
      'Give the front end codex-dbg tap as its codex executable. Without a command after --, codex is looked up',
      'as usual (--codex-bin, $CODEX_BIN, PATH). --record, --log and observer plugins see the traffic; they never',
      "write to the front end's stdout or stderr. Exits with the server's exit code.",
      '--ui serves the inspector page of the traffic; its address (token included) is shown by codex-dbg watch',
      "and opened by --open. With --intercept, approvals clicked in the page answer in the front end's place.",
    ],
  },
  { name: 'watch', args: [], summary: 'show, live, the traffic of every running tap (started before or after watch), labelled by pid, client and cwd' },
  {
    name: 'shim',
    args: [
      { name: 'action', required: true, complete: ['install', 'remove'] },
      { name: 'dir', required: false, complete: 'directory' },
    ],
    summary: 'install [dir] (default ~/.codex-dbg/shim): a `codex` there that taps app-server and records it; remove: undo',
  },
  {
    name: 'serve',
    args: [{ name: 'recording', required: true, complete: 'file' }],
    summary: "play a recording's server side to the client on stdio (give it to a front end as its codex); exit 1 on any divergence",
  },
  {
    name: 'schema',
    args: [
      { name: 'action', required: true, complete: ['diff'] },
      { name: 'codexA', required: true, complete: 'file' },
      { name: 'codexB', required: true, complete: 'file' },
    ],
    summary: 'schema diff <codexA> <codexB>: protocol changes between two codex binaries or versions',
    details: [
      'Each side is a codex binary (a path, or a name on PATH) or a version (cached, or an installed codex of that version).',
      '--no-experimental-api compares the stable surface only.',
    ],
  },
  { name: 'demo', args: [], summary: 'see the whole flow offline in one command: streaming, an approval, a diff, attestation' },
  {
    name: 'doctor',
    args: [],
    summary: 'check what a session needs: the codex binary, its start and login; with --connect, the server at that url',
    details: ['One line per check, with how to fix what fails; exit 0 when all pass. --json prints one JSON object instead.'],
  },
  { name: 'help', args: [{ name: 'command', required: false, complete: ['exec', 'call', 'replay', 'stats', 'view', 'tap', 'watch', 'shim', 'serve', 'schema', 'demo', 'doctor', 'help', 'completion'] }], summary: 'help for all of codex-dbg, or for one command' },
  {
    name: 'completion',
    args: [{ name: 'shell', required: true, complete: SHELLS }],
    summary: 'print a completion script for bash, zsh or fish',
    details: [
      'bash: eval "$(codex-dbg completion bash)" in ~/.bashrc',
      'zsh:  eval "$(codex-dbg completion zsh)" in ~/.zshrc (after compinit)',
      'fish: codex-dbg completion fish > ~/.config/fish/completions/codex-dbg.fish',
    ],
  },
];

/** Commands that reach a codex server. */
const SERVER: CommandName[] = ['', 'exec', 'call', 'demo'];
/** Commands that start or resume a thread. */
const THREAD: CommandName[] = ['', 'exec'];
/** Commands that load plugins and a formatter. */
const PLUGINS: CommandName[] = ['', 'exec', 'call', 'demo', 'replay'];
/** Commands that can attach to a running server instead of spawning one. */
const ATTACH: CommandName[] = ['', 'exec', 'call', 'doctor'];
const EVERY: CommandName[] = COMMANDS.map((command) => command.name);

export const FLAGS: FlagSpec[] = [
  { name: 'codex-bin', value: '<path>', description: 'codex executable (default: $CODEX_BIN, then codex on PATH, then the @openai/codex package)', commands: [...SERVER, 'replay', 'schema', 'doctor', 'tap', 'shim'], complete: 'file' },
  { name: 'config', short: 'c', value: '<key=value>', repeatable: true, description: 'config override passed to codex as --config (repeatable)', commands: [...SERVER, 'doctor'] },
  { name: 'thread-id', value: '<id>', description: 'resume this thread instead of starting one', commands: THREAD },
  { name: 'approval-policy', value: '<policy>', description: `${APPROVAL_POLICIES.join(' | ')} (default: on-request)`, commands: THREAD, complete: APPROVAL_POLICIES },
  { name: 'sandbox', value: '<mode>', description: SANDBOX_MODES.join(' | '), commands: THREAD, complete: SANDBOX_MODES },
  { name: 'model', value: '<name>', description: 'model for the thread', commands: THREAD },
  { name: 'model-provider', value: '<name>', description: 'model provider for the thread', commands: THREAD },
  { name: 'cwd', value: '<path>', description: 'working directory for the thread', commands: THREAD, complete: 'directory' },
  { name: 'plugin', value: '<name[:k=v,...]>', repeatable: true, description: 'a built-in plugin, a plugin file or package, with options (repeatable, asked in order)', commands: [...PLUGINS, 'tap'], complete: 'file' },
  { name: 'plugins-config', value: '<file>', description: 'plugin options as JSON: {"plugin-name": {"key": value}}', commands: [...PLUGINS, 'tap'], complete: 'file' },
  { name: 'format', value: '<name>', description: `output: ${builtinFormatters.join(' | ')} | a formatter plugin (default: raw; exec: final; demo: pretty)`, commands: [...PLUGINS, 'tap', 'watch'], complete: builtinFormatters },
  { name: 'auto-approve', description: 'accept command and file-change approvals (same as --plugin auto-approve)', commands: ['', 'exec', 'call', 'replay', 'tap'] },
  { name: 'final-only', description: 'print only completed items as readable lines (same as --format final)', commands: PLUGINS },
  { name: 'record', value: '<file>', description: 'record every message, server stderr line and client event as JSON Lines', commands: [...SERVER, 'tap'], complete: 'file' },
  { name: 'record-max-bytes', value: '<n>', description: 'continue the recording in a new numbered part once a file reaches n bytes', commands: [...SERVER, 'tap'] },
  { name: 'record-secrets', description: 'keep tokens and keys in the recording (redacted by default)', commands: [...SERVER, 'tap'] },
  { name: 'scripted-model', value: '<script.json>', description: 'run codex offline against a scripted model on 127.0.0.1, with a throwaway CODEX_HOME', commands: ['', 'exec', 'call'], complete: 'file' },
  { name: 'json', description: 'the same as one JSON object', commands: ['stats', 'doctor'] },
  { name: 'top', value: '<n>', description: 'how many methods to list (default: 10)', commands: ['stats'] },
  { name: 'turn-timeout', value: '<seconds>', description: 'give up on a turn after this many seconds: interrupt it (exec: exit 4)', commands: THREAD },
  { name: 'request-timeout', value: '<ms>', description: 'how long to wait for a reply to each request (default: 30000)', commands: SERVER },
  { name: 'handler-timeout', value: '<ms>', description: 'how long a plugin may take to answer a server request; 0: no limit (default: 10000)', commands: [...PLUGINS, 'tap'] },
  { name: 'max-line-bytes', value: '<n>', description: 'largest server line accepted, in bytes (default: 134217728)', commands: [...SERVER, 'doctor', 'tap', 'serve'] },
  { name: 'opt-out', value: '<method>', repeatable: true, description: 'ask the server not to send this notification (repeatable)', commands: SERVER },
  { name: 'experimental-api', negated: true, description: 'do not ask for the experimental API (test the stable surface)', commands: [...SERVER, 'schema'] },
  { name: 'server-log', description: "show the server's stderr live (it is always kept for diagnosis)", commands: SERVER },
  { name: 'color', negated: true, description: 'no colours (also when NO_COLOR is set or output is not a terminal)', commands: [...PLUGINS, 'tap', 'watch'] },
  {
    name: 'validate',
    value: '<mode>',
    bare: 'warn',
    description: "check every message both ways against this codex's own JSON Schema; --validate=strict: exec and call exit 5 on any violation",
    commands: [...SERVER, 'replay'],
    complete: ['warn', 'strict'],
  },
  { name: 'stall-warn', value: '<seconds>', description: 'warn when a turn hears nothing, a server request goes unanswered or a request gets no reply for this long; 0: never (default: 30)', commands: SERVER },
  { name: 'connect', value: '<url>', description: 'attach to a running app-server: ws://IP:PORT[/path], wss://…, unix:// (the control socket of $CODEX_HOME), unix:///path.sock', commands: ATTACH },
  { name: 'spawn-listen', description: 'spawn codex listening on ws://127.0.0.1:0 and attach to it; prints the URL for a second client', commands: ['', 'exec', 'call'] },
  { name: 'token-file', value: '<file>', description: 'capability token for --connect/--spawn-listen (or $CODEX_DBG_TOKEN); never given on the command line', commands: ATTACH, complete: 'file' },
  { name: 'jwt-secret-file', value: '<file>', description: 'mint short-lived HS256 bearer tokens from this shared secret (--ws-auth signed-bearer-token)', commands: ATTACH, complete: 'file' },
  { name: 'jwt-issuer', value: '<iss>', description: 'iss claim of minted tokens', commands: ATTACH },
  { name: 'jwt-audience', value: '<aud>', description: 'aud claim of minted tokens', commands: ATTACH },
  { name: 'observe', description: 'answer no server request (another client does) and show which answer won', commands: ['', 'exec', 'call'] },
  { name: 'reconnect', description: 'when the connection drops, connect again (7 tries over ~30 s) and resume the active thread', commands: ['', 'exec', 'call'] },
  { name: 'ui', description: 'serve the inspector, a local web page of this session (timeline, conversation, answers); prints its URL (tap: to codex-dbg watch)', commands: ['', 'exec', 'tap'] },
  { name: 'open', description: 'open the inspector in a browser (implies --ui)', commands: ['', 'exec', 'view', 'tap'] },
  { name: 'ui-secrets', description: 'show tokens and keys in the inspector page (redacted by default)', commands: ['', 'exec', 'view', 'tap'] },
  { name: 'log', value: '<file>', description: "tap: write the traffic there, formatted by --format (default: pretty); never to the front end's stdout or stderr", commands: ['tap'], complete: 'file' },
  { name: 'intercept', description: "tap: let handler plugins answer server requests in the front end's place", commands: ['tap'] },
  { name: 'speed', value: '<factor>', description: 'replay the recorded timing at this speed (1: as recorded; default: as fast as the client goes)', commands: ['serve'] },
  { name: 'debug', description: 'show stack traces and full server error texts', commands: EVERY },
  { name: 'help', short: 'h', description: 'this help (codex-dbg help <command> for one command)', commands: EVERY },
  { name: 'version', short: 'v', description: 'print the version', commands: EVERY },
];

/** Flags that are refused with a reason rather than "unknown": a secret must never be on the command line. */
export const REFUSED_FLAGS: Record<string, string> = {
  token: 'a token is never taken on the command line (shells and ps show it); use --token-file <file> or $CODEX_DBG_TOKEN',
};

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** The flag as written on the command line: `--no-color`, `--record`. */
export function flagText(flag: FlagSpec): string {
  return `--${flag.negated ? 'no-' : ''}${flag.name}`;
}

/** The flag with its alias and value, as help shows it and cac declares it: `-c, --config <key=value>`. */
export function flagSyntax(flag: FlagSpec): string {
  const value = flag.bare !== undefined ? `[=${flag.value}]` : flag.value ? ` ${flag.value}` : '';
  return `${flag.short ? `-${flag.short}, ` : ''}${flagText(flag)}${value}`;
}

/** A command's arguments as usage lines write them: `<method> [json-params]`. */
export function argsSyntax(command: CommandSpec): string {
  return command.args.map((arg) => (arg.required ? `<${arg.name}>` : `[${arg.name}]`)).join(' ');
}

/** `auto-approve` → `autoApprove`: the key of a flag in the parsed options. */
export function optionKey(name: string): string {
  return name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

export function flagsOf(command: CommandName): FlagSpec[] {
  return FLAGS.filter((flag) => flag.commands.includes(command));
}

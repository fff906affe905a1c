// Real command lines and how they must be read: flags before and after the command, --flag=value, -- to
// end the flags, repeated flags, on/off flags with dashes in their names. Run in-process by
// test/unit/parse-args.test.ts and through Node, Bun and the standalone binary by test/e2e/flags.test.ts.
import type { ParsedArgs } from '../../src/cli/parse-args.ts';

export const READ_AS: [string[], ParsedArgs][] = [
  [['--auto-approve', 'exec', 'p'], { command: 'exec', args: ['p'], options: { autoApprove: true } }],
  [['exec', '--auto-approve', 'p'], { command: 'exec', args: ['p'], options: { autoApprove: true } }],
  [['exec', 'p', '--auto-approve'], { command: 'exec', args: ['p'], options: { autoApprove: true } }],
  [['--final-only', 'exec', 'p', '--server-log'], { command: 'exec', args: ['p'], options: { finalOnly: true, serverLog: true } }],
  [['--record-secrets', '--record', 'r.jsonl', 'exec', 'p'], { command: 'exec', args: ['p'], options: { recordSecrets: true, record: 'r.jsonl' } }],
  [['--auto-approve=false', 'exec', 'p'], { command: 'exec', args: ['p'], options: { autoApprove: false } }],
  [['--format=pretty', 'exec', '--turn-timeout=5', 'p'], { command: 'exec', args: ['p'], options: { format: 'pretty', turnTimeout: '5' } }],
  [['exec', '--', '--not-a-flag'], { command: 'exec', args: ['--not-a-flag'], options: {} }],
  [['exec', '-', '--debug'], { command: 'exec', args: ['-'], options: { debug: true } }],
  [['-c', 'a=1', '--config', 'b=2', '-cc=3', '--config=d=4'], { command: '', args: [], options: { config: ['a=1', 'b=2', 'c=3', 'd=4'] } }],
  [['--plugin', 'ask', 'exec', '--plugin', 'policy:file=r.json', 'p'], { command: 'exec', args: ['p'], options: { plugin: ['ask', 'policy:file=r.json'] } }],
  [['--no-color', '--no-experimental-api', '--debug', '--debug'], { command: '', args: [], options: { color: false, experimentalApi: false, debug: true } }],
  [['--model', 'm', '--model=m', '--thread-id', 'abc', '--approval-policy', 'never'], { command: '', args: [], options: { model: 'm', threadId: 'abc', approvalPolicy: 'never' } }],
  [['call', 'thread/list', '{"limit": 1}', '--request-timeout', '5000'], { command: 'call', args: ['thread/list', '{"limit": 1}'], options: { requestTimeout: '5000' } }],
  [['--auto-approve', 'replay', 'r.jsonl', '--plugin', 'decline'], { command: 'replay', args: ['r.jsonl'], options: { autoApprove: true, plugin: ['decline'] } }],
  [['--max-line-bytes=-5'], { command: '', args: [], options: { maxLineBytes: '-5' } }],
  [['demo', '--format', 'final', '--record', 'demo.jsonl'], { command: 'demo', args: [], options: { format: 'final', record: 'demo.jsonl' } }],
  [['help', 'exec'], { command: 'help', args: ['exec'], options: {} }],
  [['exec', '--help'], { command: 'exec', args: [], options: { help: true } }],
  [['-h'], { command: '', args: [], options: { help: true } }],
  [['completion', 'fish'], { command: 'completion', args: ['fish'], options: {} }],
  // Values and arguments kept as written: not read as numbers, an on/off flag never takes "true" or "false" after it.
  [['--model', '1.10', '--record', '007', 'exec', '0x10'], { command: 'exec', args: ['0x10'], options: { model: '1.10', record: '007' } }],
  [['exec', '--auto-approve', 'false'], { command: 'exec', args: ['false'], options: { autoApprove: true } }],
  [['--no-color=false', 'exec', ''], { command: 'exec', args: [''], options: { color: true } }],
];

/** Command lines that are mistakes: each a usage error whose one line matches. */
export const REFUSED: [string[], RegExp][] = [
  [['--model'], /--model needs a value: --model <name>/],
  [['--record', '--debug'], /--record needs a value: --record <file> \(for a value that starts with -, write --record=--debug\)/],
  [['--nope'], /unknown flag --nope/],
  [['--auto-aprove', 'exec', 'p'], /unknown flag --auto-aprove \(did you mean --auto-approve\?\)/],
  [['--color'], /unknown flag --color \(did you mean --no-color\?\)/],
  [['dmeo'], /unknown command "dmeo" \(did you mean demo\?\)/],
  [['demo', '--thread-id', 'x'], /--thread-id is not a flag of demo \(codex-dbg help demo lists its flags\)/],
  [['--json'], /--json is not a flag of the interactive session/],
  [['--model', 'a', '--model', 'b'], /--model was given twice \("a", then "b"\); it takes one value/],
  [['exec'], /exec needs <prompt>: codex-dbg exec <prompt>/],
  [['exec', 'two', 'words'], /exec takes one argument; left over: "words"/],
  [['call'], /call needs <method>: codex-dbg call <method> \[json-params\]/],
  [['--debug=maybe'], /--debug takes no value \(it is on or off\); got "maybe"/],
  [['-hv'], /give one-letter flags separately \(-h -v\)/],
  [['', 'exec'], /unknown command ""/],
  [['replay', 'r.jsonl', '-c', 'a=1'], /-c is not a flag of replay/],
];

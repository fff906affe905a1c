// The REPL at a real terminal (tmux, on a private socket) against the real codex and the scripted model:
// the prompt stays live during a turn (steer, :status, :interrupt), a question from `ask` is withdrawn by
// Ctrl-C and never answered late, Tab completes, history survives a restart without answers or secrets,
// and output never lands on the prompt line. Each test has its own HOME and state directory.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { Script } from '../../src/scripted/model.ts';
import { EXIT_MARK, TMUX_VERSION, TmuxPane } from '../helpers/tmux.ts';
import { CLI, jsonLines, makeWorld, removeTempDirs, tempDir, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);

// Without tmux these tests are skipped, and say so; in CI, which installs tmux, they run and fail instead.
const skipWithoutTmux = !TMUX_VERSION && !process.env.CI;
if (!TMUX_VERSION) {
  console.warn(`terminal tests: tmux is not installed, so they are ${skipWithoutTmux ? 'SKIPPED' : 'run to fail (CI)'}; apt-get install tmux to run them`);
}

/** The REPL's prompt (the first 8 characters of the thread id), or a question's, and what follows it on the line. */
const PROMPT = /^(?:\([0-9a-f]{8}(?:, turn running)?\)|answer [a-z/]+ \(request \d+\))> ?(.*)$/;
// capture-pane drops the space after `>` when nothing is typed.
const IDLE_PROMPT = /\n\([0-9a-f]{8}\)>$/;

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Session {
  pane: TmuxPane;
  world: World;
  home: string;
  recording: string;
}

/** The REPL in a tmux pane, its prompt shown. `home` keeps HOME (and the history in it) across two sessions. */
async function startRepl(script: Script, flags: string[], options: { home?: string; world?: World } = {}): Promise<Session> {
  const world = options.world ?? (await makeWorld(script));
  if (!options.world) cleanups.push(() => world.dispose());
  const home = options.home ?? tempDir('home');
  const recording = join(tempDir('rec'), 'session.jsonl');
  const env: NodeJS.ProcessEnv = { ...world.env, HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' };
  for (const name of ['TMUX', 'TMUX_PANE', 'XDG_STATE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME']) delete env[name];
  const pane = await TmuxPane.start(['node', CLI, ...world.args, '--record', recording, ...flags], { cwd: world.workdir, env });
  cleanups.push(() => pane.kill());
  await pane.waitFor(IDLE_PROMPT);
  return { pane, world, home, recording };
}

/** Types a line and presses Enter. */
async function enter(pane: TmuxPane, line: string): Promise<void> {
  await pane.type(line);
  await pane.keys('Enter');
}

async function quit(pane: TmuxPane): Promise<string> {
  await enter(pane, ':quit');
  return pane.waitFor(EXIT_MARK);
}

/** Every prompt on the pane is alone on its line, followed by nothing or by a line that was typed. */
function expectCleanPromptLines(text: string, typed: string[]): void {
  for (const line of text.split('\n')) {
    const prompt = PROMPT.exec(line);
    if (prompt) expect(['', ...typed], `prompt line: ${line}`).toContain(prompt[1]);
    else expect(line, 'a prompt after other output on one line').not.toMatch(/.\([0-9a-f]{8}(?:, turn running)?\)> /);
  }
}

// biome-ignore lint: recorded messages are whatever crossed the wire
type Recorded = { type: string; dir?: string; event?: string; id?: unknown; message?: any };

function recorded(session: Session): Recorded[] {
  return jsonLines(readFileSync(session.recording, 'utf8')) as Recorded[];
}

// Generous: each test starts codex (twice for history) and the machine may be loaded; each wait has its own deadline.
const SLOW = 240_000;

const QUESTION_PROMPT = /\nanswer a\/s\/d\/c \(request \d+\)>$/;

describe.skipIf(skipWithoutTmux)('the REPL at a terminal', () => {
  test('a line typed during a turn is sent as turn/steer; :status shows the turn; :interrupt ends it interrupted', async () => {
    const session = await startRepl({ steps: [{ hang: true }, { hang: true }] }, ['--format', 'pretty']);
    const { pane } = session;
    await enter(pane, 'start something');
    await pane.waitFor(/\n\([0-9a-f]{8}, turn running\)>$/);
    await enter(pane, 'steer it this way');
    await pane.waitFor('(turn/steer)');
    await enter(pane, ':status');
    const status = await pane.waitFor(/running for [\d.]+ s on thread/);
    await enter(pane, ':interrupt');
    await pane.waitFor('interrupt sent');
    const text = await pane.waitFor((shown) => /turn interrupted/.test(shown) && IDLE_PROMPT.test(shown));
    expectCleanPromptLines(text, ['start something', 'steer it this way', ':status', ':interrupt']);
    // :status names the whole thread id; the prompt only its first 8 characters.
    const threadId = /thread +([0-9a-f-]{36}) \(active\)/.exec(status)?.[1] as string;
    expect(threadId).toBeDefined();
    expect(text).toContain(`(${threadId.slice(0, 8)})> `);
    await quit(pane);

    const lines = recorded(session);
    const out = (method: string) => lines.filter((line) => line.type === 'message' && line.dir === 'out' && line.message.method === method);
    const [start] = out('turn/start');
    const turnId = lines.find((line) => line.dir === 'in' && line.message.id === start?.message.id)?.message.result.turn.id;
    const [steer] = out('turn/steer');
    expect(steer?.message.params).toEqual({ threadId, expectedTurnId: turnId, input: [{ type: 'text', text: 'steer it this way', text_elements: [] }] });
    const steerReply = lines.find((line) => line.dir === 'in' && line.message.id === steer?.message.id);
    expect(steerReply?.message.result).toEqual({ turnId });
    expect(out('turn/interrupt')[0]?.message.params).toEqual({ threadId, turnId });
    const completed = lines.find((line) => line.dir === 'in' && line.message.method === 'turn/completed');
    expect(completed?.message.params.turn.status).toBe('interrupted');
  }, SLOW);

  test('ask, then Ctrl-C: the question is withdrawn, :help prints the help, and no answer is ever sent for it', async () => {
    const flags = ['--plugin', 'ask', '--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--format', 'pretty'];
    const session = await startRepl({ steps: [{ command: 'touch asked.txt' }, { text: 'second turn done' }] }, flags);
    const { pane } = session;
    await enter(pane, 'make the file');
    await pane.waitFor(QUESTION_PROMPT);
    expect(await pane.capture()).toMatch(/\? \[request (\d+)\] run .*touch asked\.txt/);
    await pane.keys('C-c');
    await pane.waitFor((shown) => /withdrawn: its turn ended; no answer sent/.test(shown) && IDLE_PROMPT.test(shown));
    await enter(pane, ':help');
    await pane.waitFor(/answers, when a plugin asks[\s\S]*\n\([0-9a-f]{8}\)>$/);
    // "d" is an answer key, but nothing is asked now: it is a plain line and starts a turn.
    await enter(pane, 'd');
    const text = await pane.waitFor((shown) => /second turn done/.test(shown) && IDLE_PROMPT.test(shown));
    for (const line of [':quit', ':q', ':exit', ':h', 'Ctrl-D', 'Ctrl-C', 'Tab']) expect(text).toContain(line);
    expect(text).toMatch(/^ {2}c +cancel \(also ends the turn\)$/m);
    expectCleanPromptLines(text, ['make the file', ':help', 'd']);
    await quit(pane);

    const lines = recorded(session);
    const request = lines.find((line) => line.dir === 'in' && line.message.method === 'item/commandExecution/requestApproval');
    expect(request).toBeDefined();
    const answers = lines.filter((line) => line.dir === 'out' && line.message.id === request?.message.id && !('method' in line.message));
    expect(answers).toEqual([]);
    expect(lines.some((line) => line.event === 'withheld' && line.id === request?.message.id)).toBe(true);
    expect(lines.some((line) => line.dir === 'in' && line.message.method === 'turn/completed' && line.message.params.turn.status === 'interrupted')).toBe(true);
  }, SLOW);

  test('Tab completes :thr to :threads, and a method name after :call thread/l', async () => {
    const { pane } = await startRepl({ steps: [] }, []);
    await pane.type(':thr');
    await pane.waitFor(/\)> :thr$/);
    await pane.keys('Tab');
    await pane.waitFor(/\)> :threads$/);
    await pane.keys('Enter');
    await pane.waitFor(/\nno threads\n\([0-9a-f]{8}\)>$/); // a thread is listed once it has a turn
    await pane.type(':call thread/l');
    await pane.waitFor(/\)> :call thread\/l$/);
    await pane.keys('Tab');
    await pane.keys('Tab'); // two candidates: the second Tab lists them
    await pane.waitFor(/thread\/list +thread\/loaded\/list/);
    await pane.type('i');
    await pane.waitFor(/\)> :call thread\/li$/);
    await pane.keys('Tab');
    await pane.waitFor(/\)> :call thread\/list$/);
    await enter(pane, ' {}');
    const text = await pane.waitFor(/"data": \[[\s\S]*\)>$/);
    expectCleanPromptLines(text, [':thr', ':threads', ':call thread/l', ':call thread/list {}']);
    await quit(pane);
  }, SLOW);

  test('history survives a restart, in ~/.local/state/codex-dbg (0700, file 0600), without answers or secret-looking lines', async () => {
    const flags = ['--plugin', 'ask', '--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--format', 'pretty'];
    const world = await makeWorld({ steps: [{ command: 'touch approved.txt' }, { text: 'made it' }] });
    cleanups.push(() => world.dispose());
    const home = tempDir('home');
    const first = await startRepl({ steps: [] }, flags, { home, world });
    await enter(first.pane, ':status');
    await enter(first.pane, 'make the file');
    await first.pane.waitFor(QUESTION_PROMPT);
    await enter(first.pane, 'a');
    await first.pane.waitFor((shown) => /made it/.test(shown) && IDLE_PROMPT.test(shown));
    await enter(first.pane, ':status password=hunter2hunter2');
    await first.pane.waitFor(/hunter2[\s\S]*waiting[\s\S]*replies[^\n]*\n\([0-9a-f]{8}\)>$/);
    await quit(first.pane);
    await first.pane.kill();

    const file = join(home, '.local', 'state', 'codex-dbg', 'history');
    expect(readFileSync(file, 'utf8')).toBe(':status\nmake the file\n:quit\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.local', 'state', 'codex-dbg')).mode & 0o777).toBe(0o700);

    const second = await startRepl({ steps: [] }, flags, { home, world });
    await second.pane.keys('Up');
    await second.pane.waitFor(/\)> :quit$/);
    await second.pane.keys('Up');
    await second.pane.waitFor(/\)> make the file$/);
    await second.pane.keys('Up');
    await second.pane.waitFor(/\)> :status$/);
    await second.pane.keys('C-c'); // clears the line, does not interrupt or quit
    await second.pane.waitFor(IDLE_PROMPT);
    await quit(second.pane);
  }, SLOW);

  test('output that arrives while a line is half typed never lands on the prompt line; the typed text is kept', async () => {
    const flags = ['--auto-approve', '--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--format', 'pretty'];
    const { pane } = await startRepl({ steps: [{ command: 'sleep 4' }, { text: 'slept well' }] }, flags);
    await enter(pane, 'take a nap');
    await pane.waitFor("sleep 4'");
    await pane.type('half typed');
    const text = await pane.waitFor((shown) => /turn completed/.test(shown) && /\n\([0-9a-f]{8}\)> half typed$/.test(shown));
    expect(text.split('\n').filter((line) => line.includes('half typed'))).toHaveLength(1);
    expect(text).toMatch(/^assistant: slept well$/m);
    expectCleanPromptLines(text, ['take a nap', 'half typed']);
    await pane.keys('C-c');
    await pane.waitFor(IDLE_PROMPT);
    const end = await quit(pane);
    expect(end).toContain(`${EXIT_MARK} 0]`);
  }, SLOW);
});

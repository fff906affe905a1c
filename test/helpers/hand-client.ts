// A second, independent app-server client, written only for the tests and sharing no code with codex-dbg:
// it spawns whatever it is given as codex, speaks the protocol by hand (initialize, initialized,
// thread/start, one turn/start), answers each server request with a fixed decision, waits for
// turn/completed, closes stdin and waits for the exit. It keeps every byte it sent and received.
import { spawn } from 'node:child_process';

export interface HandRun {
  sent: Buffer;
  received: Buffer;
  /** Every message received, parsed, in order. */
  messages: { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: unknown }[];
  turnStatus: string | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HandOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The answer to every server request. */
  decision: string;
  prompt: string;
}

export function runHandClient(options: HandOptions): Promise<HandRun> {
  const child = spawn(options.command, options.args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const sent: Buffer[] = [];
  const received: Buffer[] = [];
  const messages: HandRun['messages'] = [];
  let turnStatus: string | undefined;
  const send = (message: object) => {
    const bytes = Buffer.from(`${JSON.stringify(message)}\n`);
    sent.push(bytes);
    child.stdin.write(bytes);
  };
  let pending = '';
  const steps: Record<number, (result: Record<string, unknown>) => void> = {
    1: () => {
      send({ method: 'initialized' });
      send({ id: 2, method: 'thread/start', params: { approvalPolicy: 'untrusted', sandbox: 'workspace-write', cwd: options.cwd } });
    },
    2: (result) => {
      const threadId = (result.thread as { id: string }).id;
      send({ id: 3, method: 'turn/start', params: { threadId, input: [{ type: 'text', text: options.prompt, text_elements: [] }] } });
    },
  };
  child.stdout.on('data', (chunk: Buffer) => {
    received.push(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      const message = JSON.parse(line);
      messages.push(message);
      if (message.method !== undefined && message.id !== undefined) send({ id: message.id, result: { decision: options.decision } });
      else if (message.method === undefined && typeof message.id === 'number') steps[message.id]?.(message.result ?? {});
      else if (message.method === 'turn/completed') {
        turnStatus = message.params.turn.status;
        child.stdin.end();
      }
    }
  });
  send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'hand_client', title: null, version: '1' }, capabilities: null } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hand client: no exit within 45 s (turn ${turnStatus ?? 'not completed'})`));
    }, 45_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ sent: Buffer.concat(sent), received: Buffer.concat(received), messages, turnStatus, code, signal });
    });
  });
}

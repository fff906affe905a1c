// The script `codex-dbg demo` plays: three turns that show streaming, a command approval answered by a
// plugin, a file change with its diff, and attestation (ChatGPT mode, answered by attestation-stub).
import type { Script } from './model.ts';

export const DEMO_SCRIPT: Script = {
  chatgpt: true,
  steps: [
    { text: 'Hello! I am a scripted model on 127.0.0.1. This answer reaches codex-dbg in small pieces, streamed as item/agentMessage/delta notifications.', chunks: 8 },
    { command: "echo 'hello from codex-dbg' > hello.txt" },
    { text: 'I ran the command; hello.txt is written.' },
    { patch: '*** Begin Patch\n*** Add File: notes.md\n+# Notes\n+\n+Written by the codex-dbg demo through apply_patch.\n*** End Patch\n' },
    { text: 'I added notes.md.' },
  ],
};

export const DEMO_TURNS = [
  {
    prompt: 'Say hello.',
    before: 'Step 1 of 3: a streamed answer. The model answers in pieces; the pretty formatter prints them as they arrive.',
  },
  {
    prompt: 'Write hello.txt with a shell command.',
    before:
      'Step 2 of 3: a command approval. codex asks item/commandExecution/requestApproval; the auto-approve plugin answers "accept", so the command runs.',
  },
  {
    prompt: 'Add a notes file.',
    before: 'Step 3 of 3: a file change. codex shows the diff in item/started, asks item/fileChange/requestApproval, and auto-approve accepts.',
  },
];

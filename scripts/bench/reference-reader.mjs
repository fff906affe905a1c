#!/usr/bin/env node
// The references the benchmarks compare codex-dbg with: the least a client can do. Spawns the load server
// (argv[2]), sends initialize, thread/start and turn/start, then reads until turn/completed.
//   REF=minimal   split stdout on newline bytes itself, JSON.parse, write each line to stdout
//   REF=readline  node:readline for the lines, JSON.parse, write each line to stdout
//   REF=echo      minimal, and answer every server request with {decision:"accept"}
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const ref = process.env.REF ?? 'minimal';
const child = spawn(process.argv[2], [], { stdio: ['pipe', 'pipe', 'inherit'] });
const requests = [
  { id: 1, method: 'initialize', params: { clientInfo: { name: 'ref', title: null, version: '0' }, capabilities: null } },
  { method: 'initialized' },
  { id: 2, method: 'thread/start', params: {} },
  { id: 3, method: 'turn/start', params: { threadId: 'x', input: [] } },
];
for (const message of requests) child.stdin.write(`${JSON.stringify(message)}\n`);

let out = [];
const flush = () => {
  if (out.length) process.stdout.write(out.join(''));
  out = [];
};
function handle(line) {
  const message = JSON.parse(line);
  out.push(`${line}\n`);
  if (ref === 'echo' && message.id !== undefined && message.method) child.stdin.write(`{"id":${message.id},"result":{"decision":"accept"}}\n`);
  if (message.method === 'turn/completed') {
    flush();
    child.stdin.end();
  }
}

if (ref === 'readline') {
  createInterface({ input: child.stdout }).on('line', handle);
  setInterval(flush, 0).unref();
} else {
  let pending = '';
  child.stdout.on('data', (chunk) => {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      handle(pending + chunk.toString('utf8', start, nl));
      pending = '';
      start = nl + 1;
    }
    pending += chunk.toString('utf8', start);
    flush();
  });
}
child.on('close', () => {
  flush();
  process.exitCode = 0;
});

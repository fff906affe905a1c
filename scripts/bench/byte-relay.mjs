#!/usr/bin/env node
// The reference for the tap benchmarks: the least a stdio relay can do. Spawns argv[2..] and pipes bytes
// both ways with stream.pipe, looking at nothing.
import { spawn } from 'node:child_process';

const child = spawn(process.argv[2], process.argv.slice(3), { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
child.on('close', (code) => {
  process.exitCode = code ?? 1;
});

#!/usr/bin/env node
// The reference for reading a recording: the least a reader can do. Reads the file argv[2] (through gunzip
// when it starts with the gzip magic bytes), splits it on newline bytes itself, JSON.parse each line,
// and prints how many lines it read.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

const file = process.argv[2];
const fd = openSync(file, 'r');
const magic = Buffer.alloc(2);
readSync(fd, magic, 0, 2, 0);
closeSync(fd);
const source = createReadStream(file);
const input = magic[0] === 0x1f && magic[1] === 0x8b ? source.pipe(createGunzip()) : source;
let lines = 0;
let pending = '';
for await (const chunk of input) {
  let start = 0;
  for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
    JSON.parse(pending + chunk.toString('utf8', start, nl));
    pending = '';
    lines++;
    start = nl + 1;
  }
  pending += chunk.toString('utf8', start);
}
process.stdout.write(`${lines}\n`);

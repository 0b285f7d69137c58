#!/usr/bin/env node
// The `wenzheng` command: runs the compiled CLI (bin/wenzheng.ts, built into dist/ by `npm run build`).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const built = new URL('../dist/bin/wenzheng.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(`wenzheng: the build is missing (${fileURLToPath(built)}): run \`npm run build\` in the project folder first\n`);
  process.exit(1);
}
const { main } = await import(built.href);
process.exitCode = await main(process.argv.slice(2));

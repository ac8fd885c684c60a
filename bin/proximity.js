#!/usr/bin/env node
// The `proximity` command. The TypeScript sources are compiled to dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  console.error('proximity: dist/ is missing; run `npm install` (or `npm run build`) in the project first.');
  process.exit(1);
}
const { main } = await import(compiled.href);
process.exitCode = await main(process.argv);

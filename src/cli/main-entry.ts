/**
 * Runs the CLI straight from the TypeScript sources (`node --import tsx src/cli/main-entry.ts …`), so tests
 * and development never depend on a stale dist/. bin/proximity.js does the same with the compiled main.js.
 */
import { main } from './main.ts';

process.exitCode = await main(process.argv);

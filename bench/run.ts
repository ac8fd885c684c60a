/**
 * `npm run bench [-- area…]`: runs the benchmark areas in one process, one after the other, and prints
 * each area's report. Areas: tracker (Lua hook cost, memory, round-end write), simulator (rounds per
 * second), format (reader throughput), emulator (hook calls per second), import (a simulated year on
 * PGlite and PostgreSQL, dashboard query latency).
 * Figures are medians of repeated runs; compare ratios measured side by side, the machine is noisy.
 */
const areas: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  tracker: () => import('./tracker.ts'),
  simulator: () => import('./simulator.ts'),
  format: () => import('./format.ts'),
  emulator: () => import('./emulator.ts'),
  import: () => import('./import.ts'),
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(areas)) {
  const load = areas[name];
  if (!load) {
    console.error(`unknown bench area "${name}"; known: ${Object.keys(areas).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench: ${name} ===`);
  await (await load()).run();
}

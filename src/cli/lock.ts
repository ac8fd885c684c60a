/**
 * One process at a time per embedded database. PGlite runs PostgreSQL inside the process, without the
 * postmaster that would keep a second process out, so `proximity watch` and `proximity dashboard` on the
 * same data dir would each cache and write the same files and corrupt them. The CLI therefore holds a
 * lock file next to the data dir (`<dir>.lock`, with the holder's pid) while a command has it open; a lock
 * whose process is gone is taken over. (PostgreSQL serves any number of processes: use DATABASE_URL to
 * run watch and dashboard together.)
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { CliError, EXIT_USAGE } from './exit-codes.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Takes the lock of an embedded data dir; returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const path = `${dataDir.replace(/[\\/]+$/, '')}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n${process.argv.slice(2).join(' ')}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return () => {}; // read-only dir etc.: no lock
      let holder = '';
      try {
        holder = readFileSync(path, 'utf8');
      } catch {
        continue; // released meanwhile
      }
      const [pidText, command = ''] = holder.split('\n');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new CliError(
          `the embedded database in ${dataDir} is in use by another proximity process (pid ${pid}: ${command.trim() || '?'}). ` +
            'An embedded database serves one process at a time; stop that one, or use PostgreSQL (DATABASE_URL) ' +
            'to run watch and dashboard side by side.',
          EXIT_USAGE,
        );
      }
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        // someone else removed it first
      }
    }
  }
  throw new CliError(`cannot lock the embedded database in ${dataDir} (${path})`, EXIT_USAGE);
}

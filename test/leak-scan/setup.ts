import fs from 'node:fs';
import path from 'node:path';
import { LEAK_SCAN_DIR_ENV } from './recorder';
import { LEAK_SCAN_ROOT, pidOfRunDir, runDirName } from './run-dir';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Jest globalSetup: a fresh, empty capture folder for this run (teardown.ts scans it), exported to
 * the workers through the environment. Folders of runs whose Jest process is gone are removed;
 * those of runs still going (another terminal) are left alone.
 */
export default function setup(): void {
  fs.mkdirSync(LEAK_SCAN_ROOT, { recursive: true });
  for (const name of fs.readdirSync(LEAK_SCAN_ROOT)) {
    const pid = pidOfRunDir(name);
    if (pid !== undefined && pid !== process.pid && !alive(pid)) fs.rmSync(path.join(LEAK_SCAN_ROOT, name), { recursive: true, force: true });
  }
  const dir = path.join(LEAK_SCAN_ROOT, runDirName(process.pid, Date.now()));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.env[LEAK_SCAN_DIR_ENV] = dir;
}

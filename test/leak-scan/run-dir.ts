import path from 'node:path';

/** Where the leak scan keeps its captures: one folder per Jest run, so parallel runs do not mix. */
export const LEAK_SCAN_ROOT = path.resolve(__dirname, '../../test-artifacts/leak-scan');

/** `run-<pid of the Jest parent>-<start time>`: a run whose process is gone left its folder behind. */
export const runDirName = (pid: number, startedAt: number): string => `run-${pid}-${startedAt}`;

export function pidOfRunDir(name: string): number | undefined {
  const m = /^run-(\d+)-\d+$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

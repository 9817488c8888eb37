import fs from 'node:fs';
import path from 'node:path';
import { LEAK_SCAN_DIR_ENV } from './recorder';
import { filesUnder, formatFindings, scanFile, type Finding } from './scanner';
import { KNOWN_SECRETS, needlesOf, SECRET_PATTERNS } from './secrets';

/** The data dirs the test bots used, as recorded in the captures (`"k":"dataDir"` lines). */
function dataDirsIn(captures: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const file of captures) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.startsWith('{"k":"dataDir"')) continue;
      try {
        dirs.add((JSON.parse(line) as { v: string }).v);
      } catch {
        // A line cut by a killed worker: nothing to list.
      }
    }
  }
  return [...dirs];
}

/**
 * Jest globalTeardown: after the whole run, looks for every known secret (secrets.ts) in what the
 * tests captured — log lines, connector bodies, invoke answers (recorder.ts) — and in every file of
 * the bots' DATA_DIRs (SQLite pages and WAL as raw bytes). Any hit fails the run with a list that
 * names the secret and the file and shows a masked context, never the value.
 */
export default function teardown(): void {
  const dir = process.env[LEAK_SCAN_DIR_ENV];
  if (!dir || !fs.existsSync(dir)) return;
  const started = Date.now();
  const captures = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(dir, f));
  const stored = dataDirsIn(captures).flatMap((d) => filesUnder(d));
  const needles = needlesOf(KNOWN_SECRETS);
  const findings: Finding[] = [
    ...captures.flatMap((f) => scanFile(f, needles, SECRET_PATTERNS)),
    ...stored.flatMap((f) => scanFile(f, needles, SECRET_PATTERNS)),
  ];
  const bytes = [...captures, ...stored].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
  if (findings.length) {
    throw new Error(`${formatFindings(findings)}\nCaptures kept in ${dir}.`);
  }
  console.log(
    `Leak scan: no secret in ${captures.length} capture file(s) and ${stored.length} store file(s), ${(bytes / 1e6).toFixed(1)} MB, ${Date.now() - started} ms.`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

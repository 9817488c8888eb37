import fs from 'node:fs';
import path from 'node:path';
import type { Needle, SecretPattern } from './secrets';

/**
 * Looks for secret values in files, as raw bytes (JSON lines, SQLite pages and their WAL alike) and
 * reports where without ever printing a secret: the context around a hit has every secret in it
 * masked, the hit itself shown by the secret's name.
 */

export interface Finding {
  secret: string;
  file: string;
  offset: number;
  /** About 60 characters around the hit; the hit is «its name», any other secret in view is ***. */
  context: string;
  /** For a JSON-lines capture: the test that produced the line, and what it was (log, connector…). */
  test?: string;
  kind?: string;
}

const CHUNK = 8 * 1024 * 1024;
/** Enough for any needle or pattern match to straddle two chunks and still be seen whole. */
const OVERLAP = 4096;
const SIDE = 30;
/** At most this many findings per secret and file: one is enough to fail, a few help to see a pattern. */
const MAX_PER_FILE = 3;

interface Hit {
  secret: string;
  start: number;
  end: number;
}

function hitsIn(buf: Buffer, needles: readonly Needle[], patterns: readonly SecretPattern[], base: number): Hit[] {
  const hits: Hit[] = [];
  for (const n of needles) {
    if (n.bytes.length === 0) continue;
    for (let i = buf.indexOf(n.bytes); i >= 0; i = buf.indexOf(n.bytes, i + 1)) hits.push({ secret: n.name, start: base + i, end: base + i + n.bytes.length });
  }
  if (patterns.length) {
    const text = buf.toString('latin1');
    for (const p of patterns) {
      const re = new RegExp(p.regex.source, p.regex.flags.includes('g') ? p.regex.flags : `${p.regex.flags}g`);
      for (const m of text.matchAll(re)) hits.push({ secret: p.name, start: base + m.index, end: base + m.index + m[0].length });
    }
  }
  return hits;
}

function readRange(fd: number, start: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, start);
  return buf.subarray(0, n);
}

const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·');

/** The bytes around `hit`, every secret masked: the hit by its name, others (or parts of them) by `*`. */
function contextOf(fd: number, size: number, hit: Hit, needles: readonly Needle[], patterns: readonly SecretPattern[]): string {
  const from = Math.max(0, hit.start - SIDE);
  const to = Math.min(size, hit.end + SIDE);
  // Look wider than shown, so a secret cut by the window's edge is still recognised and masked.
  const wideFrom = Math.max(0, from - OVERLAP);
  const wide = readRange(fd, wideFrom, Math.min(size, to + OVERLAP) - wideFrom);
  const masked = new Uint8Array(to - from);
  for (const h of hitsIn(wide, needles, patterns, wideFrom)) {
    for (let i = Math.max(h.start, from); i < Math.min(h.end, to); i++) masked[i - from] = 1;
  }
  let out = from > 0 ? '…' : '';
  for (let i = from; i < to; i++) {
    if (i === hit.start) {
      out += `«${hit.secret}»`;
      i = hit.end - 1;
    } else if (masked[i - from]) {
      if (!out.endsWith('*')) out += '***';
    } else out += printable(wide[i - wideFrom]);
  }
  return to < size ? `${out}…` : out;
}

/** For a hit in a JSON-lines capture, the line's `test` and `k` (the line is read back whole). */
function captureOf(fd: number, size: number, offset: number): { test?: string; kind?: string } {
  let start = offset;
  while (start > 0) {
    const from = Math.max(0, start - 65536);
    const chunk = readRange(fd, from, start - from);
    const nl = chunk.lastIndexOf(0x0a);
    if (nl >= 0) {
      start = from + nl + 1;
      break;
    }
    start = from;
  }
  let end = offset;
  while (end < size) {
    const chunk = readRange(fd, end, Math.min(65536, size - end));
    const nl = chunk.indexOf(0x0a);
    if (nl >= 0) {
      end += nl;
      break;
    }
    end += chunk.length;
  }
  try {
    const line = JSON.parse(readRange(fd, start, end - start).toString('utf8')) as { test?: string; k?: string };
    return { test: line.test, kind: line.k };
  } catch {
    return {};
  }
}

/** Every hit of any needle or pattern in `file`, a few per secret. */
export function scanFile(file: string, needles: readonly Needle[], patterns: readonly SecretPattern[] = []): Finding[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(fd).size;
    const jsonLines = file.endsWith('.jsonl');
    const perSecret = new Map<string, number>();
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (let pos = 0; pos < size; pos += CHUNK) {
      const buf = readRange(fd, pos, Math.min(CHUNK + OVERLAP, size - pos));
      for (const hit of hitsIn(buf, needles, patterns, pos)) {
        const key = `${hit.secret}@${hit.start}`;
        if (seen.has(key) || (perSecret.get(hit.secret) ?? 0) >= MAX_PER_FILE) continue;
        seen.add(key);
        perSecret.set(hit.secret, (perSecret.get(hit.secret) ?? 0) + 1);
        findings.push({
          secret: hit.secret,
          file,
          offset: hit.start,
          context: contextOf(fd, size, hit, needles, patterns),
          ...(jsonLines ? captureOf(fd, size, hit.start) : {}),
        });
      }
    }
    return findings;
  } finally {
    fs.closeSync(fd);
  }
}

/** Every file below `dir` (none when it is gone). */
export function filesUnder(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** The report a failing run prints: which secret, where, and the masked context of each hit. */
export function formatFindings(findings: readonly Finding[]): string {
  const lines = findings.map((f) => {
    const origin = [f.kind, f.test && `from ${f.test}`].filter(Boolean).join(' ');
    return `  - ${f.secret}\n      in ${f.file} at byte ${f.offset}${origin ? ` (${origin})` : ''}\n      context: ${f.context}`;
  });
  return `Leak scan: ${findings.length} secret value(s) found in what the tests produced:\n${lines.join('\n')}`;
}

/**
 * Where the browser tests find a Chromium or Chrome: the one place that knows the search order.
 * test/helpers/browser.ts launches what this finds; scripts/find-browser.ts (npm test's pretest) reports it,
 * and installs Debian's chromium only when told to. Nothing is ever downloaded (no `npx playwright install`).
 */
import fs from 'node:fs';
import path from 'node:path';

/** A file at a fixed path, or a command looked up on PATH. */
export type BrowserCandidate = { file: string } | { command: string };

/** Looked at in this order, after CHROMIUM_PATH. */
export const BROWSER_CANDIDATES: readonly BrowserCandidate[] = [
  { file: '/usr/bin/chromium' }, // Debian's chromium package: CI and the default
  { command: 'chromium' },
  { command: 'chromium-browser' },
  { command: 'google-chrome' },
  { command: 'google-chrome-stable' },
  { file: '/snap/bin/chromium' },
  { file: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome' },
  { file: '/Applications/Chromium.app/Contents/MacOS/Chromium' },
];

export interface BrowserLookupOptions {
  /** CHROMIUM_PATH and PATH are read from here. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  candidates?: readonly BrowserCandidate[];
  /** Default: an existing regular file (symlinks followed) this process may execute. */
  isExecutable?: (file: string) => boolean;
}

/**
 * Found: the path and how (`via`). Not found: `reason` 'CHROMIUM_PATH' when the variable is set but wrong
 * (nothing else is tried then), 'none' when nothing was found anywhere; `message` says what to do.
 */
export type BrowserLookup = { found: true; path: string; via: string } | { found: false; reason: 'CHROMIUM_PATH' | 'none'; message: string };

/** An error whose output is its message alone: what to do, not a stack trace into the helpers. */
export class BrowserNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserNotFoundError';
    this.stack = message;
  }
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The browser the tests should use, or why there is none (with the ways out). */
export function lookupBrowser(options: BrowserLookupOptions = {}): BrowserLookup {
  const env = options.env ?? process.env;
  const candidates = options.candidates ?? BROWSER_CANDIDATES;
  const isExecutable = options.isExecutable ?? isExecutableFile;

  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    const file = path.resolve(configured);
    if (isExecutable(file)) return { found: true, path: file, via: 'from CHROMIUM_PATH' };
    return { found: false, reason: 'CHROMIUM_PATH', message: badChromiumPathMessage(configured) };
  }

  const pathDirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const candidate of candidates) {
    if ('file' in candidate) {
      if (isExecutable(candidate.file)) return { found: true, path: candidate.file, via: 'a known location' };
      continue;
    }
    for (const dir of pathDirs) {
      const file = path.join(dir, candidate.command);
      if (isExecutable(file)) return { found: true, path: file, via: `${candidate.command} on PATH` };
    }
  }
  return { found: false, reason: 'none', message: noBrowserMessage(candidates) };
}

/** The path of the browser to launch; throws a BrowserNotFoundError with the ways out otherwise. */
export function findBrowser(options?: BrowserLookupOptions): string {
  const result = lookupBrowser(options);
  if (!result.found) throw new BrowserNotFoundError(result.message);
  return result.path;
}

const WAYS_OUT =
  'Either install one (Debian: `sudo apt-get install chromium`; Ubuntu: `sudo snap install chromium`; macOS: ' +
  '`brew install --cask chromium` or Google Chrome), or set CHROMIUM_PATH=/path/to/chrome, or, as root on Debian, run ' +
  "`INSTALL_BROWSER=1 npm test` to have Debian's chromium installed with apt-get. `npm run test:unit` runs the unit " +
  'tests without a browser.';

/** '/usr/bin/chromium, chromium, chromium-browser on PATH, /snap/bin/chromium': neighbouring commands share one "on PATH". */
function describeCandidates(candidates: readonly BrowserCandidate[]): string {
  return candidates
    .map((c, i) => {
      if ('file' in c) return c.file;
      const next = candidates[i + 1];
      return next && 'command' in next ? c.command : `${c.command} on PATH`;
    })
    .join(', ');
}

function noBrowserMessage(candidates: readonly BrowserCandidate[]): string {
  const looked = candidates.length > 0 ? `; looked at CHROMIUM_PATH (not set), ${describeCandidates(candidates)}` : '';
  return (
    "No Chromium or Chrome found for the browser tests (test/e2e/browser.test.ts drives the Agents Playground's web UI " +
    `in a headless Chromium through playwright-core, which downloads no browser)${looked}. ${WAYS_OUT}`
  );
}

function badChromiumPathMessage(value: string): string {
  return (
    `CHROMIUM_PATH is set to "${value}", which is not an executable file. Point CHROMIUM_PATH at a Chromium or Chrome ` +
    'executable (e.g. /usr/bin/chromium or "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"), or unset ' +
    `it to let the browser tests look in the usual places (${describeCandidates(BROWSER_CANDIDATES)}).`
  );
}

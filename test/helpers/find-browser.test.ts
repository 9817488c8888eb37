import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BROWSER_CANDIDATES, BrowserNotFoundError, findBrowser, lookupBrowser } from './find-browser';

/**
 * The browser lookup the browser tests and `npm test`'s pretest share. The candidate list and the
 * filesystem are injected or temporary, so these pass the same on a machine with or without a browser.
 */
const ROOT = path.join(__dirname, '../..');
const STACK_FRAME = /^\s+at /m;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'find-browser-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number): string {
  const full = path.join(dir, name);
  fs.writeFileSync(full, '#!/bin/sh\necho "Fake Chromium 1.0"\n', { mode });
  return full;
}

describe('the browser lookup', () => {
  it('takes CHROMIUM_PATH when it is an executable file, before anything else', () => {
    const exe = file('my-chrome', 0o755);
    const seen: string[] = [];
    const isExecutable = (f: string): boolean => {
      seen.push(f);
      return f === exe || f === '/usr/bin/chromium';
    };
    const result = lookupBrowser({ env: { CHROMIUM_PATH: exe, PATH: '' }, isExecutable });
    expect(result).toEqual({ found: true, path: exe, via: 'from CHROMIUM_PATH' });
    expect(seen).toEqual([exe]);
    // With the real filesystem check too.
    expect(findBrowser({ env: { CHROMIUM_PATH: exe } })).toBe(exe);
  });

  it('refuses a CHROMIUM_PATH that is missing, not executable or a directory, naming the variable', () => {
    const missing = path.join(dir, 'nonexistent');
    for (const value of [missing, file('plain-file', 0o644), dir]) {
      const result = lookupBrowser({ env: { CHROMIUM_PATH: value, PATH: '' }, candidates: [] });
      expect(result).toMatchObject({ found: false, reason: 'CHROMIUM_PATH' });
      expect(!result.found && result.message).toContain(`CHROMIUM_PATH is set to "${value}", which is not an executable file`);
    }
    expect(() => findBrowser({ env: { CHROMIUM_PATH: missing } })).toThrow(BrowserNotFoundError);
    expect(() => findBrowser({ env: { CHROMIUM_PATH: missing } })).toThrow(/CHROMIUM_PATH/);
  });

  it('does not fall back to another browser when CHROMIUM_PATH is wrong', () => {
    const seen: string[] = [];
    const isExecutable = (f: string): boolean => {
      seen.push(f);
      return f === '/usr/bin/chromium';
    };
    const result = lookupBrowser({ env: { CHROMIUM_PATH: '/nonexistent', PATH: '' }, isExecutable });
    expect(result).toMatchObject({ found: false, reason: 'CHROMIUM_PATH' });
    expect(seen).toEqual(['/nonexistent']);
  });

  it('looks at the candidates in order: files as they are, commands on each PATH directory', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const onPath = path.join(bin, 'google-chrome');
    fs.writeFileSync(onPath, '', { mode: 0o755 });
    const candidates = [{ file: '/nowhere/chromium' }, { command: 'chromium' }, { command: 'google-chrome' }, { file: '/snap/bin/chromium' }];
    const env = { PATH: ['/nowhere-bin', bin].join(path.delimiter) };
    expect(lookupBrowser({ env, candidates })).toEqual({ found: true, path: onPath, via: 'google-chrome on PATH' });

    const seen: string[] = [];
    const isExecutable = (f: string): boolean => {
      seen.push(f);
      return false;
    };
    lookupBrowser({ env: { PATH: ['/a', '/b'].join(path.delimiter) }, candidates, isExecutable });
    expect(seen).toEqual([
      '/nowhere/chromium',
      path.join('/a', 'chromium'),
      path.join('/b', 'chromium'),
      path.join('/a', 'google-chrome'),
      path.join('/b', 'google-chrome'),
      '/snap/bin/chromium',
    ]);
  });

  it("starts with Debian's /usr/bin/chromium and covers PATH, snap and the macOS apps", () => {
    expect(BROWSER_CANDIDATES[0]).toEqual({ file: '/usr/bin/chromium' });
    expect(BROWSER_CANDIDATES).toEqual(
      expect.arrayContaining([
        { command: 'chromium' },
        { command: 'chromium-browser' },
        { command: 'google-chrome' },
        { command: 'google-chrome-stable' },
        { file: '/snap/bin/chromium' },
        { file: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome' },
        { file: '/Applications/Chromium.app/Contents/MacOS/Chromium' },
      ]),
    );
  });

  it('with nothing anywhere says so, where it looked and the ways out, as an error without a stack trace', () => {
    const options = { env: { PATH: '' }, isExecutable: () => false };
    const result = lookupBrowser(options);
    expect(result).toMatchObject({ found: false, reason: 'none' });
    const message = result.found ? '' : result.message;
    expect(message).toMatch(/^No Chromium or Chrome found for the browser tests/);
    for (const part of [
      'CHROMIUM_PATH=/path/to/chrome',
      'sudo apt-get install chromium',
      'brew install --cask chromium',
      'INSTALL_BROWSER=1 npm test',
      '/usr/bin/chromium',
      'google-chrome-stable',
    ]) {
      expect(message).toContain(part);
    }
    expect(message).not.toContain('\n');

    let thrown: unknown;
    try {
      findBrowser(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BrowserNotFoundError);
    expect((thrown as Error).message).toBe(message);
    expect((thrown as Error).stack).not.toMatch(STACK_FRAME);
  });
});

describe("npm test's pretest", () => {
  it('is scripts/find-browser.ts', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe('tsx scripts/find-browser.ts');
  });

  it('with a wrong CHROMIUM_PATH exits 1 with the message naming it and no stack trace, installing nothing', () => {
    const { INSTALL_BROWSER: _ignored, ...env } = process.env;
    const run = spawnSync('npm', ['run', '--silent', 'pretest'], {
      cwd: ROOT,
      env: { ...env, CHROMIUM_PATH: '/nonexistent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect({ status: run.status, output }).toMatchObject({
      status: 1,
      output: expect.stringContaining('find-browser: CHROMIUM_PATH is set to "/nonexistent", which is not an executable file.'),
    });
    expect(output).not.toMatch(STACK_FRAME);
    expect(output).not.toMatch(/apt-get (update|install)/);
  }, 60_000);
});

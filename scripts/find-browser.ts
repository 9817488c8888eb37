/**
 * `npm test`'s pretest: finds the Chromium or Chrome the browser tests will launch and prints which one
 * and its version. The search order lives in test/helpers/find-browser.ts, which the tests use too.
 *
 * Installs nothing unless asked: with INSTALL_BROWSER=1 (or --install), as root on a machine with
 * apt-get (CI: Debian 12), it installs Debian's chromium package when no browser is found. Otherwise a
 * missing browser ends this with a short message and exit code 1. Never `npx playwright install`: only
 * the npm and Debian mirrors are reachable.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { isExecutableFile, lookupBrowser } from '../test/helpers/find-browser';

const NAME = 'find-browser';

function main(): number {
  const first = lookupBrowser();
  if (first.found) return report(first.path, first.via);
  if (first.reason === 'CHROMIUM_PATH' || !installAllowed()) return fail(first.message);

  const cannot = whyCannotInstall();
  if (cannot) return fail(`INSTALL_BROWSER=1 is set but ${cannot}, so nothing was installed. ${first.message}`);

  console.log(`${NAME}: no Chromium or Chrome found; INSTALL_BROWSER=1: installing Debian's chromium package with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium'],
  ]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (run.status !== 0) return fail(`\`apt-get ${args.join(' ')}\` failed (${run.error?.message ?? `exit code ${run.status ?? run.signal}`}).`);
  }
  const after = lookupBrowser();
  if (after.found) return report(after.path, `${after.via}, just installed`);
  return fail(`apt-get installed chromium, but still no browser was found. ${after.message}`);
}

function installAllowed(): boolean {
  return ['1', 'true'].includes((process.env.INSTALL_BROWSER ?? '').trim().toLowerCase()) || process.argv.includes('--install');
}

/** Undefined when this process can run apt-get as root, else why not. */
function whyCannotInstall(): string | undefined {
  if (process.getuid?.() !== 0) return 'this is not running as root';
  const hasAptGet = (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && isExecutableFile(path.join(dir, 'apt-get')));
  return hasAptGet ? undefined : 'there is no apt-get on PATH (not Debian/Ubuntu)';
}

function report(file: string, via: string): number {
  const run = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  const version = run.status === 0 ? run.stdout.trim() : 'version unknown';
  console.log(`${NAME}: the browser tests will use ${file} (${via}): ${version || 'version unknown'}`);
  return 0;
}

function fail(message: string): number {
  console.error(`${NAME}: ${message}`);
  return 1;
}

process.exitCode = main();

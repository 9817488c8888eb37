/**
 * `npm run package [-- --out <file.zip>] [-- --check]`: the Teams app package for this installation.
 *
 * Reads MICROSOFT_APP_ID (the bot id), TEAMS_APP_ID (default: MICROSOFT_APP_ID), PROVIDER_NAME,
 * PROVIDER_WEBSITE_URL, PROVIDER_PRIVACY_URL, PROVIDER_TERMS_URL and APP_VERSION (default:
 * package.json's version) from the environment, renders manifest/manifest.json with the bot's
 * command lists, validates it offline against the bundled Teams schema, checks the icons and writes
 * build/appPackage/<name>-<version>.zip. `--check` validates only. Every problem is printed on one
 * line and the exit code is 1; nothing is written then.
 * (src/config.ts is the bot's reader of the environment; it insists on what the running bot needs,
 * which packaging does not, so this script reads its own few variables.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppPackageError, appPackageValues, checkAppPackage, readAppPackageSources, writeAppPackage } from '../src/bot/app-package';
import { FEATURES } from '../src/bot/features';

const ROOT = path.join(__dirname, '..');
const USAGE = 'usage: npm run package [-- --out <file.zip>] [-- --check]';
let checking = false;

interface Args {
  check: boolean;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') args.check = true;
    else if (a === '--out' && argv[i + 1] && !argv[i + 1].startsWith('--')) args.out = argv[++i];
    else if (a.startsWith('--out=') && a.length > 6) args.out = a.slice(6);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new AppPackageError([`unknown or incomplete argument '${a}' (${USAGE})`]);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const values = appPackageValues(process.env, pkg.version);
  const sources = readAppPackageSources(path.join(ROOT, 'manifest'));
  checking = args.check;
  if (args.check) {
    const { problems } = checkAppPackage(sources, values, FEATURES);
    if (problems.length) throw new AppPackageError(problems);
    console.log(`The Teams app package for ${values.TEAMS_APP_ID} (version ${values.APP_VERSION}) is valid.`);
    return;
  }
  // npm runs scripts in the package root; a relative --out is meant from where npm was called.
  const out = args.out
    ? path.resolve(process.env.INIT_CWD ?? process.cwd(), args.out)
    : path.join(ROOT, 'build', 'appPackage', `${pkg.name}-${values.APP_VERSION}.zip`);
  await writeAppPackage(sources, values, FEATURES, out);
  const shown = path.relative(process.cwd(), out);
  console.log(`Wrote ${shown.startsWith('..') ? out : shown}: upload it in Teams (README, "Install it in Teams").`);
}

main().catch((err: unknown) => {
  if (err instanceof AppPackageError) {
    const what = checking ? 'is not valid' : 'was not built';
    console.error(`The Teams app package ${what} (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}):`);
    for (const p of err.problems) console.error(`  - ${p}`);
    if (err.problems.some((p) => /\b(MICROSOFT_APP_ID|TEAMS_APP_ID|PROVIDER_[A-Z_]+|APP_VERSION)\b/.test(p))) {
      console.error('See env.sample ("Teams app package") for the variables.');
    }
  } else {
    console.error(`The Teams app package was not built: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
});

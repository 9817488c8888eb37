import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { renderManifest } from './manifest';
import { MAX_MANIFEST_COMMANDS, type Feature } from './registry';

/**
 * The Teams app package (`npm run package`, scripts/package.ts): manifest/manifest.json rendered with
 * this installation's values and the bot's command lists, validated offline against the Teams schema
 * that `@microsoft/app-manifest` bundles, the two icons checked, and all three zipped at the root.
 * The schema is applied the way that package's `AppManifestUtils.validateAgainstSchema` applies it
 * (ajv, draft-04, all errors, uri/email/regex formats), but without loading the package's code: its
 * entry point requires the ESM-only strip-bom (which jest on Node 20 cannot load) and fs-extra
 * (which it does not declare), and it downloads any schema it does not bundle.
 * Nothing here reads the environment or runs in the bot: the functions take values, buffers and paths.
 * (The libraries are devDependencies: the package is built from a checkout, never by the running bot.)
 */

export class AppPackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`The Teams app package is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AppPackageError';
  }
}

// ---------------------------------------------------------------------------------------------
// Values

/** Which environment variable fills each `${{PLACEHOLDER}}` of the template. */
export const PLACEHOLDER_ENV: Readonly<Record<string, string>> = {
  BOT_ID: 'MICROSOFT_APP_ID',
  TEAMS_APP_ID: 'TEAMS_APP_ID',
  PROVIDER_NAME: 'PROVIDER_NAME',
  PROVIDER_WEBSITE_URL: 'PROVIDER_WEBSITE_URL',
  PROVIDER_PRIVACY_URL: 'PROVIDER_PRIVACY_URL',
  PROVIDER_TERMS_URL: 'PROVIDER_TERMS_URL',
  APP_VERSION: 'APP_VERSION',
};

const REQUIRED_ENV: Readonly<Record<string, string>> = {
  MICROSOFT_APP_ID: 'the Microsoft App ID of the bot registration (the bot id in the manifest)',
  PROVIDER_NAME: 'the name shown as the app developer in Teams (at most 32 characters)',
  PROVIDER_WEBSITE_URL: "an https:// URL of the provider's website or support page",
  PROVIDER_PRIVACY_URL: 'an https:// URL of the privacy statement',
  PROVIDER_TERMS_URL: 'an https:// URL of the terms of use',
};

const GUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const VERSION = /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)$/;

/**
 * The template's values from an environment: MICROSOFT_APP_ID → BOT_ID, TEAMS_APP_ID (defaults to
 * MICROSOFT_APP_ID), PROVIDER_*, APP_VERSION (defaults to `defaultVersion`, package.json's). Throws
 * AppPackageError naming every variable that is missing or malformed.
 */
export function appPackageValues(env: Readonly<Record<string, string | undefined>>, defaultVersion: string): Record<string, string> {
  const get = (k: string) => env[k]?.trim() || undefined;
  const problems: string[] = [];
  for (const [k, what] of Object.entries(REQUIRED_ENV)) if (!get(k)) problems.push(`${k} is not set: set it to ${what}`);
  const botId = get('MICROSOFT_APP_ID');
  const appId = get('TEAMS_APP_ID') ?? botId;
  const version = get('APP_VERSION') ?? defaultVersion;
  if (botId && !GUID.test(botId)) problems.push('MICROSOFT_APP_ID must be a GUID (the Application (client) ID of the bot registration)');
  if (get('TEAMS_APP_ID') && !GUID.test(get('TEAMS_APP_ID')!)) problems.push('TEAMS_APP_ID must be a GUID (leave it empty to use MICROSOFT_APP_ID)');
  for (const k of ['PROVIDER_WEBSITE_URL', 'PROVIDER_PRIVACY_URL', 'PROVIDER_TERMS_URL']) {
    const v = get(k);
    if (v && !/^https:\/\/[^\s/]+\S*$/i.test(v)) problems.push(`${k} must be an https:// URL`);
  }
  if (!VERSION.test(version)) {
    problems.push(`APP_VERSION must be MAJOR.MINOR.PATCH, e.g. 1.0.0 (got '${version}'${get('APP_VERSION') ? '' : ", package.json's version"})`);
  }
  if (problems.length) throw new AppPackageError(problems);
  return {
    BOT_ID: botId!,
    TEAMS_APP_ID: appId!,
    PROVIDER_NAME: get('PROVIDER_NAME')!,
    PROVIDER_WEBSITE_URL: get('PROVIDER_WEBSITE_URL')!,
    PROVIDER_PRIVACY_URL: get('PROVIDER_PRIVACY_URL')!,
    PROVIDER_TERMS_URL: get('PROVIDER_TERMS_URL')!,
    APP_VERSION: version,
  };
}

// ---------------------------------------------------------------------------------------------
// Manifest schema (offline)

/** Where @microsoft/app-manifest keeps its copies of the Teams manifest schemas (v1.x folders). */
export const BUNDLED_TEAMS_SCHEMAS = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build/json-schemas/teams');

/** The schema versions the package bundles, oldest first (`vDevPreview` left out). */
export function bundledSchemaVersions(): string[] {
  return fs
    .readdirSync(BUNDLED_TEAMS_SCHEMAS)
    .flatMap((d) => (/^v\d+\.\d+$/.test(d) && fs.existsSync(path.join(BUNDLED_TEAMS_SCHEMAS, d, 'MicrosoftTeams.schema.json')) ? [d.slice(1)] : []))
    .sort((a, b) => {
      const [a1, a2] = a.split('.').map(Number);
      const [b1, b2] = b.split('.').map(Number);
      return a1 - b1 || a2 - b2;
    });
}

const SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/v(\d+\.\d+)\/MicrosoftTeams\.schema\.json$/i;

const validators = new Map<string, ValidateFunction>();

/** The compiled bundled schema for the manifest's version; problems instead when there is none. Never fetched. */
function bundledValidator(manifest: Record<string, unknown>): { validate?: ValidateFunction; problems: string[] } {
  const version = manifest.manifestVersion;
  const url = typeof manifest.$schema === 'string' ? manifest.$schema : '';
  const m = SCHEMA_URL.exec(url);
  if (typeof version !== 'string') return { problems: ['manifest.json: manifestVersion is missing'] };
  if (!m) {
    return { problems: [`manifest.json: $schema must be https://developer.microsoft.com/en-us/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`] };
  }
  if (m[1] !== version) return { problems: [`manifest.json: $schema is the v${m[1]} schema but manifestVersion is ${version}; they must match`] };
  const file = path.join(BUNDLED_TEAMS_SCHEMAS, `v${version}`, 'MicrosoftTeams.schema.json');
  if (!fs.existsSync(file)) {
    return {
      problems: [`manifest.json: manifestVersion ${version} has no schema in @microsoft/app-manifest (it bundles ${bundledSchemaVersions().join(', ')})`],
    };
  }
  let validate = validators.get(file);
  if (!validate) {
    // As the package does: two escapes JSON does not know appear in some of its schema files.
    const raw = fs.readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
    const ajv = new Ajv({ allErrors: true, strictTypes: false });
    addFormats(ajv, ['uri', 'email', 'regex']);
    validate = ajv.compile(JSON.parse(raw) as object);
    validators.set(file, validate);
  }
  return { validate, problems: [] };
}

/** JSON pointer → env variable, for every template string filled from a placeholder. */
function placeholderPointers(template: unknown, at = ''): Map<string, string[]> {
  const found = new Map<string, string[]>();
  if (typeof template === 'string') {
    const names = [...template.matchAll(/\$\{\{([A-Z0-9_]+)\}\}/g)].map((x) => PLACEHOLDER_ENV[x[1]] ?? x[1]);
    if (names.length) found.set(at, names);
  } else if (template && typeof template === 'object') {
    for (const [k, v] of Object.entries(template)) for (const [p, n] of placeholderPointers(v, `${at}/${k}`)) found.set(p, n);
  }
  return found;
}

/** One schema error as one readable line, naming the env variable that filled the field if one did. */
function schemaProblem(error: ErrorObject, fromEnv: Map<string, string[]>): string {
  const params = error.params as Record<string, unknown>;
  const detail =
    typeof params.additionalProperty === 'string'
      ? ` ('${params.additionalProperty}')`
      : Array.isArray(params.allowedValues)
        ? ` (${params.allowedValues.join(', ')})`
        : '';
  const env = fromEnv.get(error.instancePath);
  return `manifest.json ${error.instancePath || '(top level)'}: ${error.message ?? error.keyword}${detail}${env ? ` (set by ${env.join(', ')})` : ''}`;
}

/**
 * What is wrong with a rendered manifest: every message of the bundled schema, plus the Teams rules
 * the schema does not carry (at most 10 commands per command list, icons that are the package's files).
 * `template` (optional) lets a message name the env variable that filled the offending field.
 */
export function manifestProblems(manifest: Record<string, unknown>, template?: unknown): string[] {
  const { validate, problems } = bundledValidator(manifest);
  if (validate && !validate(JSON.parse(JSON.stringify(manifest)))) {
    const fromEnv = placeholderPointers(template);
    problems.push(...new Set((validate.errors ?? []).map((e) => schemaProblem(e, fromEnv))));
  }
  const bots = Array.isArray(manifest.bots) ? (manifest.bots as { commandLists?: { commands?: unknown[] }[] }[]) : [];
  bots.forEach((bot, b) =>
    (bot.commandLists ?? []).forEach((list, l) => {
      if ((list.commands?.length ?? 0) > MAX_MANIFEST_COMMANDS) {
        problems.push(`manifest.json /bots/${b}/commandLists/${l}/commands: Teams shows at most ${MAX_MANIFEST_COMMANDS} commands per list`);
      }
    }),
  );
  const icons = (manifest.icons ?? {}) as Record<string, unknown>;
  if (icons.color !== undefined && icons.color !== 'color.png') problems.push(`manifest.json /icons/color: must be color.png (the file in the package)`);
  if (icons.outline !== undefined && icons.outline !== 'outline.png') {
    problems.push(`manifest.json /icons/outline: must be outline.png (the file in the package)`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Icons

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

function decodePng(name: string, data: Buffer): { png?: PNG; problems: string[] } {
  try {
    return { png: PNG.sync.read(data), problems: [] };
  } catch (err) {
    return { problems: [`${name}: not a readable PNG file (${err instanceof Error ? err.message : String(err)})`] };
  }
}

/**
 * What Teams requires of the icons and the schema does not check: color.png a 192×192 PNG;
 * outline.png a 32×32 PNG, white on a transparent background (every pixel transparent or white,
 * white ones at any opacity for anti-aliased edges, and some fully transparent).
 */
export function iconProblems(color: Buffer, outline: Buffer): string[] {
  const problems: string[] = [];
  const c = decodePng('color.png', color);
  problems.push(...c.problems);
  if (c.png && (c.png.width !== COLOR_ICON_SIZE || c.png.height !== COLOR_ICON_SIZE)) {
    problems.push(`color.png: must be ${COLOR_ICON_SIZE}x${COLOR_ICON_SIZE} pixels, is ${c.png.width}x${c.png.height}`);
  }
  const o = decodePng('outline.png', outline);
  problems.push(...o.problems);
  if (o.png) {
    const { width, height, data } = o.png;
    if (width !== OUTLINE_ICON_SIZE || height !== OUTLINE_ICON_SIZE) {
      problems.push(`outline.png: must be ${OUTLINE_ICON_SIZE}x${OUTLINE_ICON_SIZE} pixels, is ${width}x${height}`);
    }
    let transparent = 0;
    let wrong = 0;
    let first = '';
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a === 0) transparent++;
      else if (r !== 255 || g !== 255 || b !== 255) {
        if (!wrong) first = ` (first at x=${(i / 4) % width}, y=${Math.floor(i / 4 / width)}: rgba(${r}, ${g}, ${b}, ${a}))`;
        wrong++;
      }
    }
    if (wrong)
      problems.push(`outline.png: ${wrong} pixel(s) are neither white nor transparent${first}; Teams needs a white outline on a transparent background`);
    if (!transparent) problems.push('outline.png: has no transparent pixels; the background must be transparent');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The package

export interface AppPackageSources {
  /** manifest/manifest.json, parsed. */
  template: unknown;
  color: Buffer;
  outline: Buffer;
}

/** manifest.json, color.png and outline.png from a folder (the repository's manifest/). */
export function readAppPackageSources(dir: string): AppPackageSources {
  return {
    template: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as unknown,
    color: fs.readFileSync(path.join(dir, 'color.png')),
    outline: fs.readFileSync(path.join(dir, 'outline.png')),
  };
}

export interface AppPackageCheck {
  /** Undefined when the template could not be rendered. */
  manifest?: Record<string, unknown>;
  /** Empty when the package may be built. */
  problems: string[];
}

/** Renders the manifest and lists everything wrong with it and the icons. Never throws on bad input. */
export function checkAppPackage(sources: AppPackageSources, values: Record<string, string>, features: readonly Feature[]): AppPackageCheck {
  let manifest: Record<string, unknown> | undefined;
  const problems: string[] = [];
  try {
    manifest = renderManifest(sources.template, values, features);
  } catch (err) {
    problems.push(`manifest.json: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (manifest) problems.push(...manifestProblems(manifest, sources.template));
  problems.push(...iconProblems(sources.color, sources.outline));
  return { manifest, problems };
}

/** The zip: manifest.json, color.png, outline.png at the root (Teams refuses folders), fixed timestamps (same input, same bytes). */
export async function zipAppPackage(manifest: Record<string, unknown>, color: Buffer, outline: Buffer): Promise<Buffer> {
  const zip = new JSZip();
  const date = new Date(Date.UTC(2000, 0, 1));
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date });
  zip.file('color.png', color, { date });
  zip.file('outline.png', outline, { date });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'DOS' });
}

export interface AppPackage {
  manifest: Record<string, unknown>;
  zip: Buffer;
}

/** The validated package in memory; throws AppPackageError listing every problem. */
export async function buildAppPackage(sources: AppPackageSources, values: Record<string, string>, features: readonly Feature[]): Promise<AppPackage> {
  const { manifest, problems } = checkAppPackage(sources, values, features);
  if (problems.length || !manifest) throw new AppPackageError(problems);
  return { manifest, zip: await zipAppPackage(manifest, sources.color, sources.outline) };
}

/** Builds the package and writes it to `outFile` (folders created); writes nothing when it is invalid. */
export async function writeAppPackage(
  sources: AppPackageSources,
  values: Record<string, string>,
  features: readonly Feature[],
  outFile: string,
): Promise<AppPackage> {
  const built = await buildAppPackage(sources, values, features);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const partial = `${outFile}.${process.pid}.tmp`;
  fs.writeFileSync(partial, built.zip);
  fs.renameSync(partial, outFile);
  return built;
}

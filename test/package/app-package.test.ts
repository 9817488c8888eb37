import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import {
  AppPackageError,
  appPackageValues,
  bundledSchemaVersions,
  checkAppPackage,
  iconProblems,
  manifestProblems,
  readAppPackageSources,
  writeAppPackage,
  type AppPackageSources,
} from '../../src/bot/app-package';
import { FEATURES } from '../../src/bot/features';
import { renderManifest } from '../../src/bot/manifest';
import { declaredCommands } from '../../src/bot/registry';
import { featureWithCommands } from '../helpers/fixtures';

/**
 * The Teams app package (`npm run package`): built from the real template and icons, validated
 * offline against the schema @microsoft/app-manifest bundles, zipped with the three files at the root.
 */
const ROOT = path.join(__dirname, '../..');
const SOURCES = readAppPackageSources(path.join(ROOT, 'manifest'));
const ENV = {
  MICROSOFT_APP_ID: '11111111-2222-4333-8444-555555555555',
  PROVIDER_NAME: 'Example Telecom',
  PROVIDER_WEBSITE_URL: 'https://voice.example.net',
  PROVIDER_PRIVACY_URL: 'https://voice.example.net/privacy',
  PROVIDER_TERMS_URL: 'https://voice.example.net/terms',
};
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const VALUES = appPackageValues(ENV, VERSION);
const PACKAGE_ENV = ['MICROSOFT_APP_ID', 'TEAMS_APP_ID', 'PROVIDER_NAME', 'PROVIDER_WEBSITE_URL', 'PROVIDER_PRIVACY_URL', 'PROVIDER_TERMS_URL', 'APP_VERSION'];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Manifest = Record<string, unknown> & {
  bots: { scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[] }[];
};
/** The real template, changed by `edit` (a deep copy: SOURCES stays as read). */
function withTemplate(edit: (t: Manifest) => void): AppPackageSources {
  const template = structuredClone(SOURCES.template) as Manifest;
  edit(template);
  return { ...SOURCES, template };
}

function png(width: number, height: number, rgba: (x: number, y: number) => [number, number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) image.data.set(rgba(x, y), (y * width + x) * 4);
  }
  return PNG.sync.write(image);
}

async function zipEntries(file: string): Promise<{ names: string[]; zip: JSZip }> {
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  return { names: Object.keys(zip.files).sort(), zip };
}

describe('the Teams app package', () => {
  it('uses the newest manifest schema @microsoft/app-manifest bundles, and the rendered manifest passes it', async () => {
    const template = SOURCES.template as Manifest;
    const newest = bundledSchemaVersions().at(-1)!;
    expect(Number(newest.split('.')[1])).toBeGreaterThanOrEqual(22);
    expect(template.manifestVersion).toBe(newest);
    expect(template.$schema).toBe(`https://developer.microsoft.com/en-us/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`);
    const { manifest, problems } = checkAppPackage(SOURCES, VALUES, FEATURES);
    expect(problems).toEqual([]);
    expect(manifest).toMatchObject({ id: ENV.MICROSOFT_APP_ID, version: VERSION, developer: { name: 'Example Telecom' } });
    expect((manifest as Manifest).bots[0]).toMatchObject({ botId: ENV.MICROSOFT_APP_ID, scopes: ['personal', 'team', 'groupChat'] });
  });

  it('writes a zip with exactly manifest.json, color.png and outline.png at its root, the manifest as rendered', async () => {
    const out = path.join(dir, 'nested/folder/app.zip');
    const built = await writeAppPackage(SOURCES, VALUES, FEATURES, out);
    const { names, zip } = await zipEntries(out);
    expect(names).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(Object.values(zip.files).some((f) => f.dir)).toBe(false);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as unknown;
    expect(manifest).toEqual(renderManifest(SOURCES.template, VALUES, FEATURES));
    expect(manifest).toEqual(built.manifest);
    expect(await zip.file('color.png')!.async('nodebuffer')).toEqual(SOURCES.color);
    expect(await zip.file('outline.png')!.async('nodebuffer')).toEqual(SOURCES.outline);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['app.zip']);
  });

  it("gives each of personal, team and groupChat a command list of the registry's declared commands", async () => {
    const { manifest } = checkAppPackage(SOURCES, VALUES, FEATURES);
    const declared = declaredCommands(FEATURES).map((c) => ({ title: c.name, description: c.summary }));
    expect(declared.map((c) => c.title)).toEqual(expect.arrayContaining(['new', 'help']));
    expect((manifest as Manifest).bots[0].commandLists).toEqual(['personal', 'team', 'groupChat'].map((scope) => ({ scopes: [scope], commands: declared })));
  });

  it('keeps a registry of more than 10 commands valid by listing its first 10', async () => {
    const many = featureWithCommands(11);
    const { manifest, problems } = checkAppPackage(SOURCES, VALUES, [many]);
    expect(problems).toEqual([]);
    for (const list of (manifest as Manifest).bots[0].commandLists)
      expect(list.commands.map((c) => c.title)).toEqual([...Array(10).keys()].map((i) => `c${i}`));
  });

  it.each<[string, (t: Manifest) => void, RegExp]>([
    ['a missing required field', (t) => delete t.description, /^manifest\.json \(top level\): must have required property 'description'$/],
    [
      'a wrong scope',
      (t) => (t.bots[0].scopes = ['personal', 'channel']),
      /^manifest\.json \/bots\/0\/scopes\/1: must be equal to one of the allowed values \(.*personal.*\)$/,
    ],
    [
      'a short description over 80 characters',
      (t) => ((t.description as { short: string }).short = 'x'.repeat(81)),
      /\/description\/short: must NOT have more than 80/,
    ],
    ['an unknown property', (t) => (t.botName = 'x'), /\(top level\): must NOT have additional properties \('botName'\)/],
    ['a wrong schema version', (t) => (t.manifestVersion = '1.19'), /\$schema is the v1\.\d+ schema but manifestVersion is 1\.19/],
  ])('reports %s and refuses to write the zip', async (_what, edit, expected) => {
    const broken = withTemplate(edit);
    const { problems } = checkAppPackage(broken, VALUES, FEATURES);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    const out = path.join(dir, `broken-${Math.random().toString(36).slice(2)}.zip`);
    await expect(writeAppPackage(broken, VALUES, FEATURES, out)).rejects.toThrow(AppPackageError);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('names the variable behind a field the schema refuses', async () => {
    const long = renderManifest(SOURCES.template, { ...VALUES, PROVIDER_NAME: 'x'.repeat(33) }, FEATURES);
    expect(manifestProblems(long, SOURCES.template)).toEqual(['manifest.json /developer/name: must NOT have more than 32 characters (set by PROVIDER_NAME)']);
  });

  it('checks the icon sizes and that the outline is white on a transparent background', async () => {
    const white = (x: number, y: number): [number, number, number, number] => (x > 8 && x < 24 && y > 8 && y < 24 ? [255, 255, 255, 255] : [0, 0, 0, 0]);
    expect(iconProblems(SOURCES.color, SOURCES.outline)).toEqual([]);
    expect(
      iconProblems(
        SOURCES.color,
        png(32, 32, (x, y) => (x === 0 ? [255, 255, 255, 128] : white(x, y))),
      ),
    ).toEqual([]);
    expect(
      iconProblems(
        png(100, 100, () => [0, 120, 212, 255]),
        SOURCES.outline,
      ),
    ).toEqual(['color.png: must be 192x192 pixels, is 100x100']);
    expect(iconProblems(SOURCES.color, png(48, 48, white))).toEqual(['outline.png: must be 32x32 pixels, is 48x48']);
    expect(
      iconProblems(
        SOURCES.color,
        png(32, 32, () => [0, 120, 212, 255]),
      ),
    ).toEqual([
      'outline.png: 1024 pixel(s) are neither white nor transparent (first at x=0, y=0: rgba(0, 120, 212, 255)); Teams needs a white outline on a transparent background',
      'outline.png: has no transparent pixels; the background must be transparent',
    ]);
    expect(
      iconProblems(
        SOURCES.color,
        png(32, 32, () => [255, 255, 255, 255]),
      ),
    ).toEqual(['outline.png: has no transparent pixels; the background must be transparent']);
    expect(iconProblems(Buffer.from('not a png'), SOURCES.outline)).toEqual([expect.stringMatching(/^color\.png: not a readable PNG file/)]);

    const opaque = { ...SOURCES, outline: png(32, 32, () => [0, 0, 0, 255]) };
    const out = path.join(dir, 'opaque.zip');
    await expect(writeAppPackage(opaque, VALUES, FEATURES, out)).rejects.toThrow(/outline\.png: 1024 pixel\(s\) are neither white nor transparent/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('takes its values from the environment and names every variable that is missing or malformed', () => {
    expect(VALUES).toEqual({
      BOT_ID: ENV.MICROSOFT_APP_ID,
      TEAMS_APP_ID: ENV.MICROSOFT_APP_ID,
      PROVIDER_NAME: 'Example Telecom',
      PROVIDER_WEBSITE_URL: 'https://voice.example.net',
      PROVIDER_PRIVACY_URL: 'https://voice.example.net/privacy',
      PROVIDER_TERMS_URL: 'https://voice.example.net/terms',
      APP_VERSION: VERSION,
    });
    const appId = '99999999-2222-4333-8444-555555555555';
    expect(appPackageValues({ ...ENV, TEAMS_APP_ID: appId, APP_VERSION: '2.3.4' }, VERSION)).toMatchObject({ TEAMS_APP_ID: appId, APP_VERSION: '2.3.4' });

    let missing: unknown;
    try {
      appPackageValues({ ...ENV, PROVIDER_PRIVACY_URL: ' ' }, VERSION);
    } catch (err) {
      missing = err;
    }
    expect(missing).toBeInstanceOf(AppPackageError);
    expect((missing as AppPackageError).problems).toEqual(['PROVIDER_PRIVACY_URL is not set: set it to an https:// URL of the privacy statement']);
    expect(() => appPackageValues({}, VERSION)).toThrow(/MICROSOFT_APP_ID is not set[\s\S]*PROVIDER_NAME is not set[\s\S]*PROVIDER_TERMS_URL is not set/);
    expect(() => appPackageValues({ ...ENV, MICROSOFT_APP_ID: 'my-bot' }, VERSION)).toThrow(/MICROSOFT_APP_ID must be a GUID/);
    expect(() => appPackageValues({ ...ENV, TEAMS_APP_ID: 'x' }, VERSION)).toThrow(/TEAMS_APP_ID must be a GUID/);
    expect(() => appPackageValues({ ...ENV, PROVIDER_TERMS_URL: 'http://voice.example.net/terms' }, VERSION)).toThrow(
      /PROVIDER_TERMS_URL must be an https:\/\/ URL/,
    );
    expect(() => appPackageValues({ ...ENV, APP_VERSION: '1.0' }, VERSION)).toThrow(/APP_VERSION must be MAJOR\.MINOR\.PATCH/);
  });

  describe('npm run package', () => {
    const run = (env: Record<string, string>, args: string[]) => {
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !PACKAGE_ENV.includes(k)));
      return spawnSync('npm', ['run', '--silent', 'package', '--', ...args], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8', timeout: 90_000 });
    };

    it('writes the zip where --out says, with the values of the environment', async () => {
      const out = path.join(dir, 'cli/app.zip');
      const result = run({ ...ENV, APP_VERSION: '1.2.3' }, ['--out', out]);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      const { names, zip } = await zipEntries(out);
      expect(names).toEqual(['color.png', 'manifest.json', 'outline.png']);
      expect(JSON.parse(await zip.file('manifest.json')!.async('string'))).toEqual(
        renderManifest(SOURCES.template, { ...VALUES, APP_VERSION: '1.2.3' }, FEATURES),
      );
    }, 120_000);

    it('exits 1 naming the missing variable, without a stack trace and without writing anything', () => {
      const out = path.join(dir, 'cli/missing.zip');
      const { PROVIDER_NAME: _unset, ...rest } = ENV;
      const result = run(rest, ['--out', out]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('PROVIDER_NAME is not set');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(out)).toBe(false);
    }, 120_000);
  });
});

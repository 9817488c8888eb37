import fs from 'node:fs';
import path from 'node:path';

/**
 * The notes this project started from live outside the repository (../shared/, /work/shared/). A reader
 * of the repository cannot follow such a pointer: what the code relies on from them is in
 * docs/live-platform-api.md and docs/teams-platform.md, and that is where references must point.
 */
const ROOT = path.join(__dirname, '../..');
const SCANNED = ['src', 'test', 'scripts', 'cards', 'docs', 'README.md'];
const OUTSIDE = /\.\.\/shared|\/work\/shared|ump-api\.md|teams-notes\.md/i;

/** `line N: text` for every line of `text` that points outside the repository. */
function outsideReferences(text: string): string[] {
  return text.split('\n').flatMap((line, i) => (OUTSIDE.test(line) ? [`line ${i + 1}: ${line.trim()}`] : []));
}

function filesUnder(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!fs.statSync(full).isDirectory()) return [relative];
  return fs.readdirSync(full).flatMap((name) => filesUnder(path.join(relative, name)));
}

describe('references outside the repository', () => {
  it('are recognised in every form the old notes were cited in', () => {
    for (const cited of ['see /work/shared/ump-api.md', 'per ../shared/teams-notes.md', 'what ump-api.md says', 'teams-notes.md', '../shared/style.md']) {
      expect(outsideReferences(`ok\n${cited}\nok`)).toEqual([`line 2: ${cited}`]);
    }
    expect(outsideReferences('docs/live-platform-api.md and docs/teams-platform.md; test/helpers/')).toEqual([]);
  });

  it('do not occur in src/, test/, scripts/, cards/, docs/ or README.md', () => {
    const self = path.relative(ROOT, __filename);
    const found = SCANNED.flatMap(filesUnder)
      .filter((file) => file !== self)
      .flatMap((file) => {
        const content = fs.readFileSync(path.join(ROOT, file));
        // Screenshots and other binaries cannot hold a reference worth reporting.
        if (content.includes(0)) return [];
        return outsideReferences(content.toString('utf8')).map((hit) => `${file} ${hit}`);
      });
    expect(found).toEqual([]);
  });
});

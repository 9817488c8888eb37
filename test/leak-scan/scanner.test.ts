import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { requestToken, startSandbox } from '../helpers/sandbox-support';
import { VALID_FORM } from '../helpers/world';
import { LEAK_SCAN_DIR_ENV } from './recorder';
import { formatFindings, scanFile } from './scanner';
import { KNOWN_SECRETS, needlesOf, SECRET_PATTERNS, type KnownSecret } from './secrets';
import teardown from './teardown';

const ROOT = path.join(__dirname, '../..');
const SECRET = VALID_FORM.CarrierUserPassword;
const OTHER = 'Zq9-Unique-Carrier-Pw!';
const planted: KnownSecret[] = [
  { name: 'the planted password', value: SECRET },
  { name: 'another secret', value: OTHER },
];
const needles = needlesOf(planted);

describe('the leak scanner', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leak-scan-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Nothing of a secret in the report: not the value, nor any form the scan looks for. */
  function expectNoSecretIn(report: string) {
    for (const n of needlesOf(KNOWN_SECRETS)) if (n.bytes.length >= 8) expect(report).not.toContain(n.bytes.toString('utf8'));
    expect(report).not.toContain(SECRET);
    expect(report).not.toContain(OTHER);
  }

  it('finds a secret in a log line of a capture file, names the test, and masks it in the context', () => {
    const file = path.join(dir, '1-123.jsonl');
    const log = JSON.stringify({ level: 30, msg: 'submit', data: { CarrierUserPassword: SECRET } });
    fs.writeFileSync(
      file,
      [
        { k: 'log', test: 'test/flow/a.test.ts', v: 'nothing here' },
        { k: 'log', test: 'test/flow/b.test.ts', v: log },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const findings = scanFile(file, needles);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ secret: 'the planted password', file, test: 'test/flow/b.test.ts', kind: 'log' });
    // The escaped JSON of the log line, inside the capture's JSON: found, shown by name, ~60 characters around it.
    expect(findings[0].context).toContain('CarrierUserPassword');
    expect(findings[0].context).toContain('«the planted password»');
    expect(findings[0].context.replace('«the planted password»', '').length).toBeLessThanOrEqual(64);
    expectNoSecretIn(formatFindings(findings));
  });

  it('finds a secret in a JSON body, also Markdown-escaped or URL-encoded, and masks a second secret next to it', () => {
    const odd = 'Tr9 Unique/Trunk*Secret';
    const withOdd = needlesOf([...planted, { name: 'a secret with odd characters', value: odd }]);
    const file = path.join(dir, 'body.json');
    const card = {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: `${SECRET} ${OTHER}` },
        { type: 'TextBlock', text: 'Tr9 Unique/Trunk\\*Secret' },
      ],
      selectAction: { type: 'Action.OpenUrl', url: `https://x/?p=${encodeURIComponent(odd)}` },
    };
    fs.writeFileSync(file, JSON.stringify({ type: 'message', attachments: [{ content: card }] }));
    expect(fs.readFileSync(file, 'utf8')).not.toContain(odd);
    const findings = scanFile(file, withOdd);
    expect(findings.map((f) => f.secret).sort()).toEqual([
      'a secret with odd characters',
      'a secret with odd characters',
      'another secret',
      'the planted password',
    ]);
    const first = findings.find((f) => f.secret === 'the planted password')!;
    expect(first.context).toContain('«the planted password»');
    expect(first.context).toContain('***');
    const report = formatFindings(findings);
    expect(report).toContain(`in ${file} at byte`);
    expectNoSecretIn(report);
    expect(report).not.toContain('Trunk');
  });

  it('finds a secret in the raw pages of a SQLite file, and a sandbox token by its shape', async () => {
    const file = path.join(dir, 'requests.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE requests (id TEXT PRIMARY KEY, record TEXT)');
    db.prepare('INSERT INTO requests VALUES (?, ?)').run('REQ-LEAK01', JSON.stringify({ scriptParameters: { CarrierUserPassword: SECRET } }));
    db.close();
    expect(fs.readFileSync(file).includes(0)).toBe(true);
    const findings = scanFile(file, needles);
    expect(findings).toHaveLength(1);
    expect(findings[0].secret).toBe('the planted password');
    expectNoSecretIn(formatFindings(findings));

    // What the sandbox really issues matches the pattern the scan uses for tokens (token-endpoint.ts).
    const h = await startSandbox();
    try {
      const token = ((await requestToken(h)).json as { access_token: string }).access_token;
      const tokenFile = path.join(dir, 'token.log');
      fs.writeFileSync(tokenFile, `{"msg":"calling","headers":{"authorization":"Bearer ${token}"}}`);
      const byShape = scanFile(tokenFile, [], SECRET_PATTERNS);
      expect(byShape.map((f) => f.secret).sort()).toEqual(['a bearer token in an Authorization value', 'a bearer token issued by the Live Platform sandbox']);
      expect(formatFindings(byShape)).not.toContain(token);
      expect(formatFindings(byShape)).not.toContain(token.slice(4, 20));
    } finally {
      await h.close();
    }
    // A token cut short is still a leak; a redacted bearer is not one.
    fs.writeFileSync(path.join(dir, 'cut.log'), `{"msg":"token ${'sbx.AbCdEfGh_-123456'}… refreshed"}`);
    expect(scanFile(path.join(dir, 'cut.log'), [], SECRET_PATTERNS).map((f) => f.secret)).toEqual(['a bearer token issued by the Live Platform sandbox']);
    fs.writeFileSync(path.join(dir, 'redacted.log'), 'Authorization: Bearer [redacted]');
    expect(scanFile(path.join(dir, 'redacted.log'), [], SECRET_PATTERNS)).toEqual([]);
  });

  it('fails the run from the global teardown: captures and the files of the listed data dirs, keeping the captures', () => {
    const run = path.join(dir, 'run');
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(run);
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'requests.sqlite-wal'), Buffer.concat([Buffer.alloc(100, 0), Buffer.from(SECRET), Buffer.alloc(100, 0xff)]));
    fs.writeFileSync(path.join(run, '1-1.jsonl'), `${JSON.stringify({ k: 'dataDir', test: 'x.test.ts', v: dataDir })}\n`);
    const saved = process.env[LEAK_SCAN_DIR_ENV];
    process.env[LEAK_SCAN_DIR_ENV] = run;
    try {
      let message = '';
      try {
        teardown();
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain('Leak scan: 1 secret value(s) found');
      expect(message).toContain('carrier password of VALID_FORM');
      expect(message).toContain(path.join(dataDir, 'requests.sqlite-wal'));
      expectNoSecretIn(message);
      expect(fs.existsSync(run)).toBe(true);

      // Clean captures: the run passes and its folder is removed.
      fs.rmSync(path.join(dataDir, 'requests.sqlite-wal'));
      teardown();
      expect(fs.existsSync(run)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env[LEAK_SCAN_DIR_ENV];
      else process.env[LEAK_SCAN_DIR_ENV] = saved;
    }
  });
});

describe('the list of secrets', () => {
  it('still matches the test files its literals were copied from', () => {
    for (const s of KNOWN_SECRETS.filter((k) => k.source)) {
      expect({ name: s.name, inSource: fs.readFileSync(path.join(ROOT, s.source!), 'utf8').includes(String(s.value)) }).toEqual({
        name: s.name,
        inSource: true,
      });
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { startWorld, validForm, World, cardJson } from '../helpers/world';

const PASSWORD = 'Zq9-Unique-Carrier-Pw!';
/** A script variable whose name makes it a secret under the same rule as the carrier password. */
const TRUNK_SECRET = 'Tr9-Unique-Trunk-Secret';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

describe('the carrier password, and any script variable named like a secret', () => {
  let w: World;
  const answers: string[] = [];
  beforeAll(async () => {
    w = await startWorld({ env: { LOG_LEVEL: 'trace' } });
    // An invalid submit first (the form comes back), then a valid one that deploys.
    const bad = await w.openForm();
    // The form comes back with the mistake: no secret is rendered back, the free-form box's secret line included.
    const back = JSON.stringify(
      await w.submit(bad.formId, validForm('bad name', { CarrierUserPassword: PASSWORD, customVariables: `Region=eu\nSipTrunkPassword=${TRUNK_SECRET}` })),
    );
    expect(back).toContain('Region=eu');
    expect(back).toContain('For your safety Carrier password, SipTrunkPassword are not shown again');
    answers.push(back);
    const good = await w.openForm();
    answers.push(
      JSON.stringify(
        await w.submit(good.formId, validForm('AcmeSecret', { CarrierUserPassword: PASSWORD, customVariables: `SipTrunkPassword=${TRUNK_SECRET}` })),
      ),
    );
    await w.waitForCard(good.formId, 'Customer deployed');
  });
  afterAll(async () => w.stop());

  it('is in no card the bot sent or edited', () => {
    const all = w.connector.sent.map((c) => JSON.stringify(c.body)).join('\n');
    expect(all).toContain('AcmeSecret');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(TRUNK_SECRET);
    expect(all).toContain('•••••••• (hidden)');
    expect(all).toContain('SipTrunkPassword');
  });

  it('is in no invoke response', () => {
    expect(answers.join('\n')).toContain('AcmeSecret');
    expect(answers.join('\n')).not.toContain(PASSWORD);
    expect(answers.join('\n')).not.toContain(TRUNK_SECRET);
  });

  it('is in no log line, even at trace level, and neither are the client secret or tokens', () => {
    expect(w.bot.logs.length).toBeGreaterThan(10);
    const logs = w.bot.logs.join('\n');
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(TRUNK_SECRET);
    expect(logs).not.toContain(w.sandbox.credentials.clientSecret);
    expect(logs).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
  });

  it('is not stored in clear, and is dropped from the store once the request ended', async () => {
    await w.bot.stop();
    const files = filesUnder(w.bot.dataDir);
    expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true);
    for (const f of files) expect(fs.readFileSync(f).toString('latin1')).not.toMatch(new RegExp(`${PASSWORD}|${TRUNK_SECRET}`));
    await w.restartBot();
  });

  it('was sent to Live Platform (the sandbox saw a redacted value, so the field reached it)', () => {
    const create = w.sandbox.requests().find((r) => r.route === 'createCustomer' && JSON.stringify(r.body).includes('AcmeSecret'));
    expect(JSON.stringify(create?.body)).toContain('CarrierUserPassword');
    expect(JSON.stringify(create?.body)).toContain('SipTrunkPassword');
    expect(JSON.stringify(create?.body)).not.toContain(PASSWORD);
    expect(JSON.stringify(create?.body)).not.toContain(TRUNK_SECRET);
  });
});

describe('Markdown typed by users', () => {
  it('is shown literally on the progress card, not rendered as a link or bold text', async () => {
    const w = await startWorld();
    try {
      const { formId } = await w.openForm();
      await w.submit(formId, validForm('AcmeMd', { fullName: '[x](http://evil) **bold**' }));
      const card = cardJson(await w.waitForCard(formId, 'Customer deployed'));
      expect(card).toContain('\\\\[x\\\\](http://evil) \\\\*\\\\*bold\\\\*\\\\*');
      expect(card).not.toContain('"[x](http://evil)');
    } finally {
      await w.stop();
    }
  });
});

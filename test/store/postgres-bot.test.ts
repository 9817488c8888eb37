import { openPostgresStore } from '../../src/provisioning/postgres-store';
import { createSecretBox } from '../../src/provisioning/secret-box';
import { startTestBot, TEST_ENCRYPTION_KEY } from '../helpers/bot-harness';
import { testPostgres } from '../helpers/postgres';
import { startWorld, validForm, type World } from '../helpers/world';

/** The bot on PostgreSQL (DATABASE_URL): a customer created end to end, kept across a restart; one instance per database. */
describe('the bot with DATABASE_URL', () => {
  let w: World;
  let schema: string;
  let url: string;

  beforeAll(async () => {
    const server = await testPostgres();
    url = server.url;
    schema = server.freshSchema();
    w = await startWorld({ env: { DATABASE_URL: url, DATABASE_SCHEMA: schema } });
  });
  afterAll(async () => {
    await w.stop();
    await (await testPostgres()).dropSchema(schema);
  });

  it('creates a customer with its request kept in PostgreSQL, across a restart, the password sealed', async () => {
    const { formId } = await w.openForm();
    const answer = await w.submit(formId, validForm('AcmePg'));
    const id = /REQ-[A-Z0-9]{6}/.exec(JSON.stringify(answer.body.value))?.[0];
    await w.waitForCard(formId, 'Customer deployed');
    expect(w.creates()).toBe(1);
    await w.restartBot();
    const reader = await openPostgresStore({ url, schema, secretBox: createSecretBox(Buffer.from(TEST_ENCRYPTION_KEY, 'base64')), poolSize: 1 });
    try {
      const stored = await reader.get(id!);
      expect(stored).toMatchObject({ state: 'deployed', customer: { shortName: 'AcmePg' } });
      // The request ended: its sealed secrets are gone with it.
      expect(await reader.secrets(id!)).toEqual({});
      expect((await reader.audit(id!)).map((a) => a.action)).toEqual(expect.arrayContaining(['submitted', 'create.sent', 'deployed']));
    } finally {
      await reader.close();
    }
  });

  it('refuses a second instance on the same database, saying why and what to do', async () => {
    await expect(startTestBot({ ...w.env, DATABASE_URL: url, DATABASE_SCHEMA: schema })).rejects.toThrow(/Another bot instance is already using this database/);
  });

  it('says on /readyz that the database can be written', async () => {
    const res = await fetch(`${w.bot.url}/readyz`);
    expect(((await res.json()) as { checks: Record<string, string> }).checks.store).toBe('ok');
  });
});

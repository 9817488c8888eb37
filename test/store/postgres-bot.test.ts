import pg from 'pg';
import { openPostgresStore } from '../../src/provisioning/postgres-store';
import { createSecretBox } from '../../src/provisioning/secret-box';
import { startTestBot, TEST_ENCRYPTION_KEY } from '../helpers/bot-harness';
import { startOwnPostgres, testPostgres, type OwnPostgres } from '../helpers/postgres';
import { startWorld, validForm, type World } from '../helpers/world';

/** The bot on PostgreSQL (DATABASE_URL): a customer created end to end, kept across a restart; one instance per INSTANCE_ID. */
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

  it('refuses a second instance with the same INSTANCE_ID, saying why and what to do', async () => {
    await expect(startTestBot({ ...w.env, DATABASE_URL: url, DATABASE_SCHEMA: schema })).rejects.toThrow(
      /Another bot instance with INSTANCE_ID '.+' is already running on this database\. Give every instance its own INSTANCE_ID/,
    );
  });

  it('says on /readyz that the database can be written', async () => {
    const res = await fetch(`${w.bot.url}/readyz`);
    expect(((await res.json()) as { checks: Record<string, string> }).checks.store).toBe('ok');
  });
});

/** PostgreSQL restarted under the bot mid-deployment (issue 14): nothing lost, nothing created twice, /readyz says why meanwhile. */
describe('the bot when PostgreSQL restarts mid-deployment', () => {
  let own: OwnPostgres;
  let w: World;
  beforeAll(async () => {
    own = await startOwnPostgres();
    // Slow steps: the deployments are still running when the database goes away.
    w = await startWorld({ sandbox: { mode: 'poll', stepMs: 700 }, env: { DATABASE_URL: own.url, LEASE_MS: '3000', CARD_EDIT_MIN_INTERVAL_MS: '0' } });
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
    await own?.close();
  });

  const readyz = async () => {
    const res = await fetch(`${w.bot.url}/readyz`);
    return { status: res.status, store: ((await res.json()) as { checks: Record<string, string> }).checks.store };
  };

  it('shows the outage on the cards and /readyz, then finishes every deployment once the database is back', async () => {
    const names = ['AcmePgDown0', 'AcmePgDown1', 'AcmePgDown2'];
    const forms: string[] = [];
    for (const name of names) {
      const { formId } = await w.openForm();
      await w.submit(formId, validForm(name));
      forms.push(formId);
    }
    for (const f of forms) await w.waitForCard(f, '"Deploying: ');

    await own.stop();
    await expect(readyz()).resolves.toEqual({ status: 503, store: 'unreachable' });
    // Each card says what is wrong and that nothing is lost, instead of freezing.
    for (const f of forms) await w.waitForCard(f, 'database cannot be reached', 20_000);
    // Down longer than a lease: the bot must still be the one that follows its requests afterwards.
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await fetch(`${w.bot.url}/healthz`)).status).toBe(200);

    await own.start();
    for (const f of forms) await w.waitForCard(f, 'Customer deployed', 60_000);
    expect(w.creates()).toBe(names.length);
    await expect(readyz()).resolves.toEqual({ status: 200, store: 'ok' });
  }, 120_000);

  it('takes its INSTANCE_ID lock again after the restart: a second instance with that id is still refused', async () => {
    // The lock went with the old session; the bot takes it again a second after the server is back.
    for (let i = 0; i < 50 && !(await advisoryLocks(own.url)); i++) await new Promise((r) => setTimeout(r, 200));
    await expect(startTestBot({ ...w.env, DATABASE_URL: own.url })).rejects.toThrow(/Another bot instance with INSTANCE_ID '.+' is already running/);
  }, 30_000);
});

async function advisoryLocks(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted");
    return Number(r.rows[0].n);
  } finally {
    await c.end();
  }
}

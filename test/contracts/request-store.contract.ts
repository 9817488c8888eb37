import { ProvisioningRequest, REQUEST_STATES, STATES } from '../../src/provisioning/request';
import { ActiveShortNameConflict, Admission, LeaseLostError, RequestStore } from '../../src/provisioning/store';
import { testAddress, testRequest } from '../helpers/fixtures';

/**
 * What every RequestStore must do, whatever the database behind it. Each implementation runs
 * this suite (today SQLite: src/provisioning/sqlite-store.test.ts); a PostgreSQL store will run it too.
 */
export interface StoreUnderTest {
  store: RequestStore;
  /** Closes and opens the same database again (data must survive). */
  reopen(): Promise<RequestStore>;
  /** Drops everything the test made. */
  dispose(): Promise<void>;
  /** A second store on the same database at the same time (another instance); absent where one process is the only writer. */
  another?(): Promise<RequestStore>;
}

const PASSWORD = 'Sup3r-Secret-Carrier-Pw';
let seq = 0;

export function aRequest(over: Partial<ProvisioningRequest> = {}): ProvisioningRequest {
  seq++;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  const base = testRequest();
  return testRequest({
    id: `REQ-T${String(seq).padStart(5, '0')}`,
    formKey: `conv|${seq}`,
    customer: { ...base.customer, shortName: `Acme${seq}` },
    conversation: testAddress({ conversationId: `conv-${seq}` }),
    createdAt: at,
    updatedAt: at,
    ...over,
  });
}

const audit = (action = 'submitted') => ({ at: new Date().toISOString(), actor: 'u1', action });
const bump = (r: ProvisioningRequest, patch: Partial<ProvisioningRequest>): ProvisioningRequest => ({ ...r, ...patch, version: r.version + 1 });
const named = (shortName: string, over: Partial<ProvisioningRequest> = {}) => {
  const r = aRequest(over);
  return { ...r, customer: { ...r.customer, shortName } };
};

export function describeRequestStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`RequestStore contract: ${name}`, () => {
    let t: StoreUnderTest;
    let store: RequestStore;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => t.dispose());

    it('stores a request once per form key and returns the first one, untouched, on a second insert', async () => {
      const first = aRequest();
      expect(await store.insert(first, { CarrierUserPassword: PASSWORD }, audit())).toEqual({ request: first, created: true });
      const again = await store.insert({ ...aRequest(), formKey: first.formKey }, {}, audit());
      expect(again).toEqual({ request: first, created: false });
      expect(await store.getByFormKey(first.formKey)).toEqual(first);
      expect(await store.get(first.id)).toEqual(first);
      expect(await store.get('REQ-NOPE00')).toBeUndefined();
      expect(await store.getByFormKey('nope')).toBeUndefined();
    });

    it('keeps the conversation address and every field as written', async () => {
      const r = aRequest({ conversation: testAddress({ kind: 'channel', conversationId: '19:x@thread.tacv2;messageid=1', tenantId: 't1', botName: 'Bot' }) });
      await store.insert(r, {}, audit());
      expect((await store.get(r.id))?.conversation).toEqual(r.conversation);
    });

    it('lets one request hold a short name at a time, whatever its case, as the state table says', async () => {
      const holder = named('Contract01');
      await store.insert(holder, {}, audit());
      await expect(store.insert(named('CONTRACT01'), {}, audit())).rejects.toBeInstanceOf(ActiveShortNameConflict);
      expect((await store.findShortNameHolder('contract01'))?.id).toBe(holder.id);
      expect(await store.update(bump(holder, { state: 'failed' }))).toBe(true);
      expect(await store.findShortNameHolder('Contract01')).toBeUndefined();
      const next = named('contract01');
      expect((await store.insert(next, {}, audit())).created).toBe(true);
      expect((await store.findShortNameHolder('CONTRACT01'))?.id).toBe(next.id);
    });

    it.each(REQUEST_STATES.map((s) => [s, STATES[s].holdsShortName] as const))('in state %s, holds its short name: %s', async (state, holds) => {
      const r = named(`Held-${state}`, { state });
      await store.insert(r, {}, audit());
      expect((await store.findShortNameHolder(`held-${state}`))?.id).toBe(holds ? r.id : undefined);
      const second = store.insert(named(`Held-${state}`), {}, audit());
      if (holds) await expect(second).rejects.toBeInstanceOf(ActiveShortNameConflict);
      else await expect(second).resolves.toMatchObject({ created: true });
    });

    it('refuses an update that would make a second request hold a short name', async () => {
      const done = named('Clash01', { state: 'failed' });
      await store.insert(done, {}, audit());
      await store.insert(named('Clash01'), {}, audit());
      // Only the state table can bring a finished request back; here the store must still refuse.
      await expect(store.update(bump(done, { state: 'submitted' }))).rejects.toBeInstanceOf(ActiveShortNameConflict);
    });

    it('lets only one of two writers advance the same version', async () => {
      const r = aRequest();
      await store.insert(r, {}, audit());
      const a = await store.update(bump(r, { state: 'deploying' }));
      const b = await store.update(bump(r, { state: 'failed' }));
      expect([a, b]).toEqual([true, false]);
      expect(await store.get(r.id)).toMatchObject({ state: 'deploying', version: 2 });
      expect(await store.update(bump(aRequest(), {}))).toBe(false);
    });

    it('gives the sealed secrets back, and deletes them in the write that ends the request', async () => {
      const r = aRequest();
      await store.insert(r, { CarrierUserPassword: PASSWORD }, audit());
      expect(await store.secrets(r.id)).toEqual({ CarrierUserPassword: PASSWORD });
      const deploying = bump(r, { state: 'deploying' });
      await store.update(deploying);
      expect(await store.secrets(r.id)).toEqual({ CarrierUserPassword: PASSWORD });
      await store.update(bump(deploying, { state: 'deployed' }));
      expect(await store.secrets(r.id)).toEqual({});
      expect(await store.secrets('REQ-NOPE00')).toEqual({});
    });

    it('lists requests in the given states, oldest first', async () => {
      const a = aRequest({ state: 'deploying' });
      const b = aRequest({ state: 'submitted' });
      const c = aRequest({ state: 'deployed' });
      for (const r of [c, b, a]) await store.insert(r, {}, audit());
      expect((await store.listByState(['submitted', 'deploying'])).map((r) => r.id)).toEqual([a.id, b.id]);
      expect(await store.listByState([])).toEqual([]);
    });

    it("tells when a user's requests were made since a time, for the per-user create limit", async () => {
      const mine = (at: string) => aRequest({ requestedBy: { id: 'aad-Megan', name: 'Megan' }, createdAt: at, updatedAt: at });
      const early = mine('2026-02-01T09:00:00.000Z');
      const late = mine('2026-02-01T10:30:00.000Z');
      const other = aRequest({ requestedBy: { id: 'aad-adele', name: 'Adele' }, createdAt: '2026-02-01T10:00:00.000Z' });
      for (const r of [late, other, early]) await store.insert(r, {}, audit());
      expect(await store.requestTimesBy('aad-Megan', '2026-02-01T08:00:00.000Z')).toEqual([early.createdAt, late.createdAt]);
      expect(await store.requestTimesBy('aad-Megan', '2026-02-01T10:00:00.000Z')).toEqual([late.createdAt]);
      expect(await store.requestTimesBy('nobody', '2000-01-01T00:00:00.000Z')).toEqual([]);
    });

    it("lists one conversation's requests newest first, with its threads and linked cards, filtered and paged", async () => {
      const channel = '19:ops@thread.tacv2';
      const at = (m: number) => new Date(Date.UTC(2026, 2, 1, 9, m)).toISOString();
      const here = (m: number, over: Partial<ProvisioningRequest> = {}) =>
        aRequest({ conversation: testAddress({ conversationId: `${channel};messageid=${m}`, kind: 'channel' }), createdAt: at(m), updatedAt: at(m), ...over });
      const a = here(1);
      const b = here(2, { state: 'failed', requestedBy: { id: 'aad-adele', name: 'Adele' } });
      const c = here(3, { state: 'deployed' });
      const elsewhere = aRequest({ createdAt: at(4) });
      // Asked in a personal chat, decided in this channel: it is this channel's too.
      const decidedHere = aRequest({
        createdAt: at(5),
        state: 'awaiting_approval',
        linkedCards: [{ conversation: testAddress({ conversationId: channel, kind: 'channel' }), purpose: 'approval' }],
      });
      for (const r of [c, a, elsewhere, decidedHere, b]) await store.insert(r, {}, audit());
      const ids = (rs: ProvisioningRequest[]) => rs.map((r) => r.id);
      expect(ids(await store.list({ conversation: channel, limit: 10 }))).toEqual([decidedHere.id, c.id, b.id, a.id]);
      expect(ids(await store.list({ conversation: `${channel};messageid=99`, limit: 10 }))).toEqual([decidedHere.id, c.id, b.id, a.id]);
      const page1 = await store.list({ conversation: channel, limit: 2 });
      expect(ids(page1)).toEqual([decidedHere.id, c.id]);
      const last = page1[page1.length - 1];
      expect(ids(await store.list({ conversation: channel, limit: 2, before: { createdAt: last.createdAt, id: last.id } }))).toEqual([b.id, a.id]);
      expect(ids(await store.list({ conversation: channel, limit: 10, states: ['failed', 'deployed'] }))).toEqual([c.id, b.id]);
      expect(ids(await store.list({ conversation: channel, limit: 10, requestedBy: 'aad-adele' }))).toEqual([b.id]);
      expect(await store.list({ conversation: channel, limit: 10, states: [] })).toEqual([]);
      expect(await store.list({ conversation: 'nowhere', limit: 10 })).toEqual([]);
      // A card posted later (an approval card re-posted elsewhere) makes it that conversation's too.
      const moved = bump(a, { linkedCards: [{ conversation: testAddress({ conversationId: 'a:approvers', kind: 'personal' }), purpose: 'approval' }] });
      expect(await store.update(moved)).toBe(true);
      expect(ids(await store.list({ conversation: 'a:approvers', limit: 10 }))).toEqual([a.id]);
    });

    it('finds the requests for a short name, any state, newest first', async () => {
      const old = named('Contoso9', { state: 'failed', createdAt: '2026-03-01T08:00:00.000Z' });
      const recent = named('contoso9', { state: 'deployed', createdAt: '2026-03-01T09:00:00.000Z' });
      for (const r of [old, recent, named('Other9')]) await store.insert(r, {}, audit());
      expect((await store.findByShortName('CONTOSO9', 5)).map((r) => r.id)).toEqual([recent.id, old.id]);
      expect((await store.findByShortName('contoso9', 1)).map((r) => r.id)).toEqual([recent.id]);
      expect(await store.findByShortName('nobody', 5)).toEqual([]);
    });

    it('keeps the audit trail in order, with who, what and the details', async () => {
      const r = aRequest();
      await store.insert(r, {}, { ...audit(), detail: { shortName: r.customer.shortName } });
      await store.update(bump(r, { state: 'deploying' }), { at: new Date().toISOString(), actor: 'system', action: 'deploying', detail: { mode: 'poll' } });
      expect((await store.audit(r.id)).map(({ actor, action, detail }) => ({ actor, action, detail }))).toEqual([
        { actor: 'u1', action: 'submitted', detail: { shortName: r.customer.shortName } },
        { actor: 'system', action: 'deploying', detail: { mode: 'poll' } },
      ]);
      expect(await store.audit('REQ-NOPE00')).toEqual([]);
    });

    it('keeps everything across a reopen, and answers ping', async () => {
      const r = aRequest();
      await store.insert(r, { CarrierUserPassword: PASSWORD }, audit());
      store = await t.reopen();
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.get(r.id)).toEqual(r);
      expect(await store.secrets(r.id)).toEqual({ CarrierUserPassword: PASSWORD });
      expect((await store.audit(r.id)).map((a) => a.action)).toEqual(['submitted']);
    });

    describe('leases and the queue', () => {
      const A = { owner: 'instance-a', ms: 60_000 };
      const B = { owner: 'instance-b', ms: 60_000 };
      const start: Admission = (r) => ({
        next: { ...r, state: 'submitted', version: r.version + 1 },
        audit: { at: new Date().toISOString(), actor: 'system', action: 'dequeued' },
      });
      const running = async (over: Partial<ProvisioningRequest> = {}) => {
        const r = aRequest({ state: 'deploying', ...over });
        await store.insert(r, {}, audit());
        return r;
      };
      const queued = async (queuedAt: string) => {
        const r = aRequest({ state: 'queued', queuedAt });
        await store.insert(r, {}, audit());
        return r;
      };
      const ids = (rs: ({ id: string } | { request: { id: string } })[]) => rs.map((r) => ('request' in r ? r.request.id : r.id)).sort();

      it('lets one instance follow a request: a live lease is not taken, an expired one is, and the old holder can no longer write', async () => {
        const r = await running();
        expect(ids(await store.claim(A))).toEqual([r.id]);
        expect(await store.claim(B)).toEqual([]);
        // Its own live lease is not claimed again, unless asked (a restart with the same INSTANCE_ID).
        expect(await store.claim(A)).toEqual([]);
        expect(ids(await store.claim(A, { own: true }))).toEqual([r.id]);
        await store.renew({ owner: 'instance-a', ms: 1 });
        await new Promise((res) => setTimeout(res, 20));
        expect(await store.claim(B)).toEqual([{ request: r, from: 'instance-a' }]);
        expect((await store.audit(r.id)).map((a) => [a.action, a.detail])).toEqual([
          ['submitted', undefined],
          ['taken.over', { from: 'instance-a', by: 'instance-b' }],
        ]);
        await expect(store.update(bump(r, { steps: [] }), undefined, { leaseOwner: 'instance-a' })).rejects.toBeInstanceOf(LeaseLostError);
        expect(await store.renew(A)).toEqual([]);
        expect(await store.renew(B)).toEqual([r.id]);
        expect(await store.update(bump(r, { steps: [] }), undefined, { leaseOwner: 'instance-b' })).toBe(true);
      });

      it('tells a lost race (false) from a lost lease (LeaseLostError)', async () => {
        const r = await running();
        await store.claim(A);
        expect(await store.update(bump(r, {}), undefined, { leaseOwner: A.owner })).toBe(true);
        expect(await store.update(bump(r, {}), undefined, { leaseOwner: A.owner })).toBe(false);
      });

      it('frees a released lease at once, and drops the lease when the request leaves the runner states', async () => {
        const r = await running();
        const other = await running();
        await store.claim(A);
        await store.release(A.owner, [r.id]);
        // Released, not expired: no take-over in the trail.
        expect(await store.claim(B)).toEqual([{ request: r }]);
        expect(await store.renew(A)).toEqual([other.id]);
        expect(await store.update(bump(other, { state: 'deployed' }), undefined, { leaseOwner: A.owner })).toBe(true);
        expect(await store.renew(A)).toEqual([]);
        // The finished one is no one's to claim; B still holds the released one.
        expect(await store.claim(B)).toEqual([]);
        expect(ids(await store.claim(B, { own: true }))).toEqual([r.id]);
      });

      it('admits queued requests in queue order while fewer than the cap run, leased to the admitting instance', async () => {
        await running();
        const later = await queued('2026-01-01T00:00:09.000Z');
        const first = await queued('2026-01-01T00:00:01.000Z');
        const third = await queued('2026-01-01T00:00:20.000Z');
        const got = await store.admit(A, 3, start);
        expect(got.map((r) => r.id)).toEqual([first.id, later.id]);
        expect(got.every((r) => r.state === 'submitted')).toBe(true);
        expect((await store.get(first.id))?.state).toBe('submitted');
        expect((await store.audit(first.id)).map((a) => a.action)).toEqual(['submitted', 'dequeued']);
        expect((await store.renew(A)).sort()).toEqual(ids([first, later]));
        expect(await store.admit(B, 3, start)).toEqual([]);
        expect((await store.get(third.id))?.state).toBe('queued');
      });

      it('holds the cap when two instances admit at the same moment', async () => {
        const second = t.another ? await t.another() : store;
        for (let i = 0; i < 6; i++) await queued(`2026-01-01T00:01:${String(i).padStart(2, '0')}.000Z`);
        const [a, b] = await Promise.all([store.admit(A, 2, start), second.admit(B, 2, start)]);
        expect(a.length + b.length).toBe(2);
        expect(ids([...a, ...b])).toEqual(ids(await store.listByState(['submitted'])));
      });

      it('tells another instance of a change (watch), where there are several', async () => {
        if (!store.watch) {
          expect(t.another).toBeUndefined();
          return;
        }
        const second = await t.another!();
        const seen: string[] = [];
        const stop = second.watch!((id) => seen.push(id));
        try {
          await new Promise((res) => setTimeout(res, 200));
          const r = await queued('2026-01-01T00:02:00.000Z');
          const until = async (id: string) => {
            for (let i = 0; i < 50 && !seen.includes(id); i++) await new Promise((res) => setTimeout(res, 50));
          };
          await until(r.id);
          expect(seen).toContain(r.id);
          // A runner's own steps (guarded by its lease) concern no other instance: not announced;
          // a decision (unguarded, e.g. a cancel) is.
          const run = await running();
          await store.claim(A);
          await until(run.id); // its insert was announced
          seen.length = 0;
          expect(await store.update(bump(run, { state: 'deploying' }), audit(), { leaseOwner: A.owner })).toBe(true);
          const decided = bump(r, { state: 'cancelled' });
          expect(await store.update(decided, audit())).toBe(true);
          await until(decided.id);
          expect(seen).toEqual([decided.id]);
        } finally {
          stop();
        }
      });
    });
  });
}

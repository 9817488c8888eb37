import { ProvisioningRequest, REQUEST_STATES, STATES } from '../../src/provisioning/request';
import { ActiveShortNameConflict, RequestStore } from '../../src/provisioning/store';
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
  });
}

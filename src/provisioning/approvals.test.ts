import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock, flush } from '../../test/helpers/fake-clock';
import { testAddress, testRequest } from '../../test/helpers/fixtures';
import type { ApprovalSettings } from '../config';
import { createLogger } from '../logger';
import { createApprovals, REJECT_REASON_MAX } from './approvals';
import { createDeploymentQueue } from './deployment-queue';
import type { ProvisioningRequest } from './request';
import { createRequestWriter } from './request-writer';
import { createSecretBox } from './secret-box';
import { openSqliteStore } from './sqlite-store';
import type { RequestStore } from './store';

const T0 = '2026-03-01T10:00:00.000Z';
const ADELE = { id: 'aad-adele', name: 'Adele Vance', aadObjectId: 'aad-adele' };
const LYNNE = { id: 'aad-lynne', name: 'Lynne Robbins', aadObjectId: 'aad-lynne' };

describe('approvals (fake clock, real SQLite store)', () => {
  let store: RequestStore;
  let clock: FakeClock;
  let started: string[];
  const logger = createLogger({ level: 'silent', pretty: false });

  function approvalsWith(over: Partial<ApprovalSettings> = {}) {
    const writer = createRequestWriter({ store, clock, listener: () => undefined });
    const queue = createDeploymentQueue({
      maxConcurrent: 5,
      store,
      lease: { owner: 'test', ms: 60_000 },
      writer,
      start: (r) => started.push(r.id),
      onMoved: () => undefined,
      logger,
      now: () => clock.now().getTime(),
    });
    let stamp = 0;
    return createApprovals({
      settings: { policy: 'channels', allowSelfApproval: false, ttlMs: 3_600_000, ...over },
      writer,
      queue,
      clock,
      logger,
      queueStamp: () => new Date(Date.parse(T0) + ++stamp).toISOString(),
    });
  }

  async function waiting(n = 1, ttlMs = 3_600_000): Promise<ProvisioningRequest> {
    const r = testRequest({
      id: `REQ-APPR0${n}`,
      formKey: `f${n}`,
      state: 'awaiting_approval',
      approval: { requestedAt: clock.now().toISOString(), expiresAt: new Date(clock.now().getTime() + ttlMs).toISOString() },
      customer: { ...testRequest().customer, shortName: `Appr${n}` },
    });
    await store.insert(r, { CarrierUserPassword: 'pw' }, { at: T0, actor: 'u1', action: 'submitted' });
    return r;
  }

  beforeEach(() => {
    store = openSqliteStore({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ump-approvals-')), secretBox: createSecretBox(Buffer.from('k'.repeat(32))) });
    clock = new FakeClock(T0);
    started = [];
  });
  afterEach(() => store.close());

  it('says which requests need an approver, and where the approval card of a personal chat goes', () => {
    const channels = approvalsWith();
    expect([channels.needsApproval('personal'), channels.needsApproval('groupChat'), channels.needsApproval('channel')]).toEqual([false, true, true]);
    expect(approvalsWith({ policy: 'none' }).needsApproval('channel')).toBe(false);
    const all = approvalsWith({ policy: 'all', conversationId: '19:approvers@thread.tacv2' });
    expect(all.needsApproval('personal')).toBe(true);
    expect(all.approvalCardAddress(testAddress({ serviceUrl: 'https://smba.example/emea/', tenantId: 't1' }))).toEqual(
      testAddress({ serviceUrl: 'https://smba.example/emea/', tenantId: 't1', conversationId: '19:approvers@thread.tacv2', kind: 'channel' }),
    );
    expect(all.approvalCardAddress(testAddress({ kind: 'channel', conversationId: '19:x' }))).toBeUndefined();
    expect(channels.open(new Date(T0))).toEqual({ requestedAt: T0, expiresAt: '2026-03-01T11:00:00.000Z' });
  });

  it('the first decision wins: a second approve changes nothing and names who decided; the request joins the queue once', async () => {
    const a = approvalsWith();
    const r = await waiting();
    const [first, second] = await Promise.all([a.approve(r.id, ADELE), a.approve(r.id, LYNNE)]);
    expect(first.kind).toBe('decided');
    expect(second).toMatchObject({ kind: 'already', message: `${r.id} was already approved by Adele Vance.` });
    const stored = (await store.get(r.id))!;
    expect(stored.state).toBe('submitted');
    expect(stored.approval?.decision).toEqual({ outcome: 'approved', by: ADELE, at: T0 });
    expect(started).toEqual([r.id]);
    expect((await store.audit(r.id)).map((x) => [x.action, x.actor])).toEqual([
      ['submitted', 'u1'],
      ['approved', 'aad-adele'],
      ['dequeued', 'system'],
    ]);
  });

  it('needs a reason to reject, bounded; a rejection ends the request and drops its secrets', async () => {
    const a = approvalsWith();
    const r = await waiting();
    expect(await a.reject(r.id, ADELE, '  ')).toMatchObject({ kind: 'invalid' });
    expect(await a.reject(r.id, ADELE, 12)).toMatchObject({ kind: 'invalid' });
    expect(await a.reject(r.id, ADELE, 'x'.repeat(REJECT_REASON_MAX + 1))).toMatchObject({ kind: 'invalid' });
    expect((await store.get(r.id))!.state).toBe('awaiting_approval');
    expect(await a.reject(r.id, ADELE, ' Wrong SBC ')).toMatchObject({ kind: 'decided', request: { state: 'rejected' } });
    expect((await store.get(r.id))!.approval?.decision).toEqual({ outcome: 'rejected', by: ADELE, at: T0, reason: 'Wrong SBC' });
    expect(await store.secrets(r.id)).toEqual({});
    expect((await store.audit(r.id)).at(-1)).toMatchObject({ action: 'rejected', actor: 'aad-adele', detail: { by: 'Adele Vance', reason: 'Wrong SBC' } });
    expect(await a.approve(r.id, LYNNE)).toMatchObject({ kind: 'already', message: `${r.id} was already rejected by Adele Vance: Wrong SBC.` });
  });

  it('expires a request at its time, not before; an approve that comes late is an expiry', async () => {
    const a = approvalsWith();
    const r = await waiting(1, 60_000);
    a.watch(r);
    await clock.advance(59_999);
    expect((await store.get(r.id))!.state).toBe('awaiting_approval');
    await clock.advance(1);
    await flush();
    const expired = (await store.get(r.id))!;
    expect(expired.state).toBe('expired');
    expect(expired.approval?.decision).toEqual({ outcome: 'expired', at: '2026-03-01T10:01:00.000Z' });
    expect((await store.audit(r.id)).at(-1)).toMatchObject({ action: 'expired', actor: 'system', detail: { expiresAt: '2026-03-01T10:01:00.000Z' } });

    // The timer of another is late (stopped), and an approver clicks after its time.
    const late = await waiting(2, 1_000);
    await clock.advance(5_000);
    expect(await a.approve(late.id, ADELE)).toMatchObject({ kind: 'already', request: { state: 'expired' } });
    expect(started).toEqual([]);
    a.stop();
  });

  it('expires at once, on watch, a request whose time passed while the bot was down', async () => {
    const r = await waiting(1, 1_000);
    await clock.advance(10_000);
    approvalsWith().watch(r);
    await flush();
    expect((await store.get(r.id))!.state).toBe('expired');
  });
});

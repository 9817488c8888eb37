import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/provisioning/sqlite-store';
import { createSecretBox } from '../../src/provisioning/secret-box';
import { ProvisioningRequest } from '../../src/provisioning/request';
import { ActiveShortNameConflict, RequestStore } from '../../src/provisioning/store';
import { testAddress } from '../helpers/address';

const PASSWORD = 'Sup3r-Secret-Carrier-Pw';

function request(over: Partial<ProvisioningRequest> = {}): ProvisioningRequest {
  const now = new Date().toISOString();
  return {
    id: 'REQ-AAAAAA',
    formKey: 'conv|1',
    state: 'submitted',
    version: 1,
    requestedBy: { id: 'u1', name: 'Megan' },
    customer: {
      shortName: 'Acme01',
      siteLocation: { sbcId: 5, sbcOnboardingScript: 7, sbcCleanupScript: 700 },
      ovocCustomerType: 'IPGROUP_TYPE',
      msTenantId: '4bf50a33-a383-4d3f-9403-220c898bc1b2',
      scriptParameters: {},
      secretKeys: ['CarrierUserPassword'],
    },
    conversation: testAddress(),
    ump: {},
    steps: [],
    warnings: [],
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

describe('the SQLite request store', () => {
  let dir: string;
  let store: RequestStore;
  const box = createSecretBox(Buffer.alloc(32, 3));
  const audit = { at: new Date().toISOString(), actor: 'u1', action: 'submitted' };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));
    store = openSqliteStore({ dataDir: dir, secretBox: box });
  });
  afterEach(async () => store.close());

  it('stores a request once per form key and returns the first one on a second insert', async () => {
    const first = await store.insert(request(), { CarrierUserPassword: PASSWORD }, audit);
    const second = await store.insert(request({ id: 'REQ-BBBBBB' }), {}, audit);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.request.id).toBe('REQ-AAAAAA');
  });

  it('refuses a second unfinished request for the same short name, whatever its case', async () => {
    await store.insert(request(), {}, audit);
    await expect(
      store.insert(request({ id: 'REQ-CCCCCC', formKey: 'conv|2', customer: { ...request().customer, shortName: 'ACME01' } }), {}, audit),
    ).rejects.toBeInstanceOf(ActiveShortNameConflict);
  });

  it('lets only one of two writers advance the same version', async () => {
    await store.insert(request(), {}, audit);
    const base = (await store.get('REQ-AAAAAA'))!;
    const a = await store.update({ ...base, state: 'deploying', version: base.version + 1 });
    const b = await store.update({ ...base, state: 'failed', version: base.version + 1 });
    expect([a, b]).toEqual([true, false]);
    expect((await store.get('REQ-AAAAAA'))!.state).toBe('deploying');
  });

  it('keeps the carrier password encrypted on disk and gives it back decrypted', async () => {
    await store.insert(request(), { CarrierUserPassword: PASSWORD }, audit);
    await store.close();
    const raw = Buffer.concat(fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f))));
    expect(raw.toString('latin1')).not.toContain(PASSWORD);
    store = openSqliteStore({ dataDir: dir, secretBox: box });
    expect(await store.secrets('REQ-AAAAAA')).toEqual({ CarrierUserPassword: PASSWORD });
    const base = (await store.get('REQ-AAAAAA'))!;
    await store.update({ ...base, state: 'failed', version: base.version + 1 });
    expect(await store.secrets('REQ-AAAAAA')).toEqual({});
  });

  it('survives a reopen with requests and their audit trail', async () => {
    await store.insert(request(), {}, audit);
    const base = (await store.get('REQ-AAAAAA'))!;
    await store.update({ ...base, state: 'deploying', version: 2 }, { at: audit.at, actor: 'system', action: 'deploying' });
    await store.close();
    store = openSqliteStore({ dataDir: dir, secretBox: box });
    expect((await store.listByState(['deploying'])).map((r) => r.id)).toEqual(['REQ-AAAAAA']);
    expect((await store.audit('REQ-AAAAAA')).map((a) => a.action)).toEqual(['submitted', 'deploying']);
  });

  it('fails to open secrets with another key instead of returning garbage', async () => {
    await store.insert(request(), { CarrierUserPassword: PASSWORD }, audit);
    await store.close();
    store = openSqliteStore({ dataDir: dir, secretBox: createSecretBox(Buffer.alloc(32, 9)) });
    await expect(store.secrets('REQ-AAAAAA')).rejects.toThrow();
  });
});

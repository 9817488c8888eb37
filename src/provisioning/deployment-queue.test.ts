import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../test/helpers/fake-clock';
import { testRequest } from '../../test/helpers/fixtures';
import { createLogger } from '../logger';
import { createDeploymentQueue, DeploymentQueue } from './deployment-queue';
import type { ProvisioningRequest } from './request';
import { createRequestWriter } from './request-writer';
import { createSecretBox } from './secret-box';
import { openSqliteStore } from './sqlite-store';
import type { RequestStore } from './store';

describe('the deployment queue (real SQLite store)', () => {
  let store: RequestStore;
  let queue: DeploymentQueue;
  let started: string[];
  let moved: string[][];
  const clock = new FakeClock('2026-03-01T10:00:00.000Z');

  beforeEach(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ump-queue-'));
    store = openSqliteStore({ dataDir: dir, secretBox: createSecretBox(Buffer.alloc(32, 3)) });
    started = [];
    moved = [];
    queue = createDeploymentQueue({
      maxConcurrent: 2,
      writer: createRequestWriter({ store, clock, listener: () => undefined }),
      start: (id) => started.push(id),
      onMoved: (ids) => moved.push([...ids]),
      logger: createLogger({ level: 'silent', pretty: false }),
      now: () => clock.now().getTime(),
    });
  });
  afterEach(() => store.close());

  async function queued(n: number, queuedAt: string): Promise<ProvisioningRequest> {
    const r = testRequest({
      id: `REQ-Q0000${n}`,
      formKey: `f${n}`,
      state: 'queued',
      queuedAt,
      customer: { ...testRequest().customer, shortName: `Queue${n}` },
    });
    await store.insert(r, {}, { at: queuedAt, actor: 'u1', action: 'submitted' });
    return r;
  }

  it('starts at most maxConcurrent, in queuedAt order whatever the order they were added in, and moves the rest up as places free', async () => {
    const r = await Promise.all([1, 2, 3, 4].map((n) => queued(n, `2026-03-01T10:00:0${n}.000Z`)));
    for (const x of [r[0], r[3], r[2], r[1]]) await queue.add(x);
    expect(started).toEqual(['REQ-Q00001', 'REQ-Q00004']);
    // 4 took a place before 2 and 3 arrived; those two wait in their stored order.
    expect([queue.position('REQ-Q00002'), queue.position('REQ-Q00003')]).toEqual([1, 2]);
    expect((await store.get('REQ-Q00001'))?.state).toBe('submitted');
    expect((await store.get('REQ-Q00002'))?.state).toBe('queued');
    expect(queue.stats()).toEqual({ waiting: 2, active: 2, maxConcurrent: 2 });

    moved = [];
    queue.release('REQ-Q00001');
    await queue.add(r[1]); // waits for the pass the release started
    expect(started).toEqual(['REQ-Q00001', 'REQ-Q00004', 'REQ-Q00002']);
    expect(queue.position('REQ-Q00003')).toBe(1);
    expect(moved).toEqual([['REQ-Q00003']]);
    expect((await store.audit('REQ-Q00002')).map((a) => a.action)).toEqual(['submitted', 'dequeued']);
  });

  it('skips a request that left the queue meanwhile, and a release of a place it never held changes nothing', async () => {
    const r = await Promise.all([1, 2, 3].map((n) => queued(n, `2026-03-01T10:00:0${n}.000Z`)));
    queue.occupy('REQ-RUN001');
    queue.occupy('REQ-RUN002');
    for (const x of r) await queue.add(x);
    expect(started).toEqual([]);
    await store.update({ ...r[0], state: 'cancelled', version: 2 });
    queue.remove('REQ-Q00001');
    expect(queue.position('REQ-Q00002')).toBe(1);
    queue.release('REQ-NOPE00');
    queue.release('REQ-RUN001');
    await queue.add(r[2]);
    expect(started).toEqual(['REQ-Q00002']);
    expect(queue.position('REQ-Q00003')).toBe(1);
  });
});

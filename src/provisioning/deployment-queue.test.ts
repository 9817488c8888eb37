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
      store,
      lease: { owner: 'test', ms: 60_000 },
      writer: createRequestWriter({ store, clock, listener: () => undefined }),
      start: (r) => started.push(r.id),
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

  /** A request another worker has with Live Platform (a runner state), or one that ends. */
  async function running(id: string): Promise<ProvisioningRequest> {
    const r = testRequest({ id, formKey: id, state: 'deploying', customer: { ...testRequest().customer, shortName: id } });
    await store.insert(r, {}, { at: r.createdAt, actor: 'u1', action: 'submitted' });
    return r;
  }
  async function finish(id: string) {
    const r = (await store.get(id))!;
    await store.update({ ...r, state: 'deployed', version: r.version + 1 });
  }

  it('starts at most maxConcurrent, in queuedAt order whatever the order they were added in, and moves the rest up as places free', async () => {
    const r = await Promise.all([1, 2, 3, 4].map((n) => queued(n, `2026-03-01T10:00:0${n}.000Z`)));
    await queue.add(r[3]);
    // The store holds the line: the oldest two start, whichever was added.
    expect(started).toEqual(['REQ-Q00001', 'REQ-Q00002']);
    expect([queue.position('REQ-Q00003'), queue.position('REQ-Q00004')]).toEqual([1, 2]);
    expect((await store.get('REQ-Q00001'))?.state).toBe('submitted');
    expect((await store.get('REQ-Q00003'))?.state).toBe('queued');
    expect(queue.stats()).toEqual({ waiting: 2, maxConcurrent: 2 });

    moved = [];
    await finish('REQ-Q00001');
    queue.release('REQ-Q00001');
    await queue.add(r[2]); // waits for the pass the release started
    expect(started).toEqual(['REQ-Q00001', 'REQ-Q00002', 'REQ-Q00003']);
    expect(queue.position('REQ-Q00004')).toBe(1);
    expect(moved).toEqual([['REQ-Q00004']]);
    expect((await store.audit('REQ-Q00003')).map((a) => a.action)).toEqual(['submitted', 'dequeued']);
    // The trail says which instance started it (and so follows it).
    expect((await store.audit('REQ-Q00003'))[1].detail).toEqual({ waitedMs: expect.any(Number), instance: 'test' });
  });

  it('counts requests other workers have with Live Platform, and skips a request that left the queue meanwhile', async () => {
    await running('REQ-RUN001');
    await running('REQ-RUN002');
    const r = await Promise.all([1, 2, 3].map((n) => queued(n, `2026-03-01T10:00:0${n}.000Z`)));
    await queue.add(r[0]);
    expect(started).toEqual([]);
    await store.update({ ...r[0], state: 'cancelled', version: 2 });
    await queue.remove('REQ-Q00001');
    expect(queue.position('REQ-Q00002')).toBe(1);
    expect(moved).toEqual([['REQ-Q00002', 'REQ-Q00003']]);
    await finish('REQ-RUN001');
    queue.release('REQ-RUN001');
    await queue.add(r[2]);
    expect(started).toEqual(['REQ-Q00002']);
    expect(queue.position('REQ-Q00003')).toBe(1);
    // A refresh reads the line again without telling any card.
    moved = [];
    await finish('REQ-RUN002');
    await queue.refresh();
    expect(moved).toEqual([]);
    expect(started).toEqual(['REQ-Q00002']);
    await queue.pump();
    expect(started).toEqual(['REQ-Q00002', 'REQ-Q00003']);
  });

  it('holds the cap when two queues (two instances) work one store at once', async () => {
    const other: string[] = [];
    const second = createDeploymentQueue({
      maxConcurrent: 2,
      store,
      lease: { owner: 'other', ms: 60_000 },
      writer: createRequestWriter({ store, clock, listener: () => undefined }),
      start: (r) => other.push(r.id),
      onMoved: () => undefined,
      logger: createLogger({ level: 'silent', pretty: false }),
      now: () => clock.now().getTime(),
    });
    await Promise.all([1, 2, 3, 4, 5].map((n) => queued(n, `2026-03-01T10:00:0${n}.000Z`)));
    await Promise.all([queue.pump(), second.pump(), queue.pump(), second.pump()]);
    expect([...started, ...other].sort()).toEqual(['REQ-Q00001', 'REQ-Q00002']);
    expect(await store.renew({ owner: 'test', ms: 60_000 })).toEqual(started);
  });
});

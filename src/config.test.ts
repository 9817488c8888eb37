import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, ENV_KEYS, loadConfig } from './config';

const KEY = 's/GHp0sYzZ9s5sP9rVMXqHPoLb+5Mf7p1kQwomV41jU=';
/** A registered single-tenant bot with its requesters: what production needs besides the key. */
const REGISTERED = {
  MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555',
  MICROSOFT_APP_PASSWORD: 'app-secret',
  MICROSOFT_APP_TENANT_ID: '66666666-7777-8888-9999-000000000000',
  REQUESTERS: '*',
};

describe('configuration', () => {
  it('runs on defaults in dev mode: anonymous, loopback, port 3978', () => {
    const c = loadConfig({ DEV_MODE: 'true' });
    expect(c.port).toBe(3978);
    expect(c.bot.anonymous).toBe(true);
    expect(c.host).toBe('127.0.0.1');
    expect(c.ump).toBeUndefined();
    expect(c.tenant.authority).toBe('https://login.microsoftonline.com');
  });

  it('binds anonymous mode to loopback even when HOST says otherwise', () => {
    expect(loadConfig({ DEV_MODE: 'true', HOST: '0.0.0.0' }).host).toBe('127.0.0.1');
  });

  it('lists every bad variable in one error, without echoing values', () => {
    let err: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        UMP_BASE_URL: 'not a url',
        UMP_CLIENT_SECRET: 'very-secret-value',
        MICROSOFT_APP_ID: 'abc',
        LOG_LEVEL: 'loud',
        ENCRYPTION_KEY: 'short',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    for (const key of [
      'PORT',
      'UMP_BASE_URL',
      'UMP_TOKEN_URL',
      'UMP_CLIENT_ID',
      'UMP_SCOPE',
      'MICROSOFT_APP_PASSWORD',
      'MICROSOFT_APP_TENANT_ID',
      'LOG_LEVEL',
      'ENCRYPTION_KEY',
    ]) {
      expect(msg).toContain(`${key}:`);
    }
    expect(msg).not.toContain('very-secret-value');
    expect((err as ConfigError).problems.length).toBeGreaterThanOrEqual(9);
  });

  it('takes an encryption key of exactly 32 bytes, refuses typos and trivially weak keys, and reads the previous keys for rotation', () => {
    const dev = { DEV_MODE: 'true' };
    const problem = (key: string) => {
      try {
        loadConfig({ ...dev, ENCRYPTION_KEY: key });
        return 'accepted';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problem(KEY)).toBe('accepted');
    // Buffer.from(…, 'base64') would skip the stray character and make a different key: refused.
    expect(problem(`${KEY.slice(0, 10)}!${KEY.slice(11)}`)).toMatch(/ENCRYPTION_KEY: expected exactly 32 random bytes/);
    expect(problem(Buffer.alloc(31, 5).toString('base64'))).toMatch(/expected exactly 32 random bytes/);
    expect(problem(Buffer.alloc(32, 7).toString('base64'))).toMatch(/ENCRYPTION_KEY: the key is trivially weak/);
    expect(problem(Buffer.from('ab'.repeat(16)).toString('base64'))).toMatch(/trivially weak/);
    // The message never echoes the key.
    expect(problem(Buffer.alloc(32, 7).toString('base64'))).not.toContain(Buffer.alloc(32, 7).toString('base64'));
    const other = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64');
    const c = loadConfig({ ...dev, ENCRYPTION_KEY: KEY, ENCRYPTION_KEY_PREVIOUS: `${other}, ${Buffer.from(KEY, 'base64').toString('base64url')}` });
    expect(c.previousEncryptionKeys.map((k) => k.toString('base64'))).toEqual([other, KEY]);
    expect(() => loadConfig({ ...dev, ENCRYPTION_KEY: KEY, ENCRYPTION_KEY_PREVIOUS: `${other},nope` })).toThrow(
      /ENCRYPTION_KEY_PREVIOUS: key 2: expected exactly 32/,
    );
  });

  it('refuses to start outside dev mode without an encryption key', () => {
    expect(() => loadConfig({})).toThrow(/ENCRYPTION_KEY: required outside dev mode/);
    expect(loadConfig({ ...REGISTERED, ENCRYPTION_KEY: KEY }).encryptionKey?.length).toBe(32);
  });

  it('starts without authentication (no app id) only in dev mode', () => {
    expect(() => loadConfig({ ENCRYPTION_KEY: KEY, REQUESTERS: '*' })).toThrow(/MICROSOFT_APP_ID: required outside dev mode.*DEV_MODE=true/);
    expect(loadConfig({ DEV_MODE: 'true' }).bot.anonymous).toBe(true);
  });

  it('serves the registration tenant of a single-tenant bot by default, and only the listed tenants when told', () => {
    const c = loadConfig({ ...REGISTERED, ENCRYPTION_KEY: KEY });
    expect(c.access.allowedTenants).toEqual(['66666666-7777-8888-9999-000000000000']);
    const listed = loadConfig({ ...REGISTERED, ENCRYPTION_KEY: KEY, ALLOWED_TENANTS: 'AAAA-1, bbbb-2;cccc-3' });
    expect(listed.access.allowedTenants).toEqual(['aaaa-1', 'bbbb-2', 'cccc-3']);
  });

  it('needs ALLOWED_TENANTS for a multi-tenant registration; in dev mode any tenant unless set', () => {
    const multi = { ...REGISTERED, MICROSOFT_APP_TYPE: 'MultiTenant', ENCRYPTION_KEY: KEY };
    expect(() => loadConfig(multi)).toThrow(/ALLOWED_TENANTS: required when MICROSOFT_APP_TYPE is MultiTenant/);
    expect(loadConfig({ ...multi, ALLOWED_TENANTS: 't1' }).access.allowedTenants).toEqual(['t1']);
    expect(loadConfig({ DEV_MODE: 'true' }).access.allowedTenants).toBeUndefined();
    expect(loadConfig({ DEV_MODE: 'true', ALLOWED_TENANTS: 't9' }).access.allowedTenants).toEqual(['t9']);
  });

  it('needs REQUESTERS outside dev mode (an explicit * is fine); dev mode lets everyone request', () => {
    const { REQUESTERS: _, ...noRequesters } = REGISTERED;
    expect(() => loadConfig({ ...noRequesters, ENCRYPTION_KEY: KEY })).toThrow(/REQUESTERS: required outside dev mode/);
    expect(loadConfig({ ...REGISTERED, ENCRYPTION_KEY: KEY, REQUESTERS: '*' }).access.requesters).toBe('*');
    expect(loadConfig({ ...REGISTERED, ENCRYPTION_KEY: KEY, REQUESTERS: 'ID-1 id-2' }).access.requesters).toEqual(['id-1', 'id-2']);
    expect(loadConfig({ DEV_MODE: 'true' }).access.requesters).toBe('*');
  });

  it('refuses * among the admins and approvers, and * mixed with ids', () => {
    expect(() => loadConfig({ ...REGISTERED, ENCRYPTION_KEY: KEY, ADMINS: '*' })).toThrow(/ADMINS: \* is not allowed here/);
    expect(() => loadConfig({ ...REGISTERED, ENCRYPTION_KEY: KEY, APPROVERS: '*' })).toThrow(/APPROVERS: \* is not allowed here/);
    expect(() => loadConfig({ ...REGISTERED, ENCRYPTION_KEY: KEY, REQUESTERS: '* id-1' })).toThrow(/REQUESTERS: use \* alone/);
  });

  it('asks for approvals in channels by default, and needs the approvers channel for policy all', () => {
    expect(loadConfig({ DEV_MODE: 'true' }).approval).toEqual({ policy: 'channels', conversationId: undefined, allowSelfApproval: false, ttlMs: 86_400_000 });
    expect(() => loadConfig({ DEV_MODE: 'true', APPROVAL_POLICY: 'all' })).toThrow(/APPROVAL_CONVERSATION_ID: required when APPROVAL_POLICY is all/);
    const all = loadConfig({
      DEV_MODE: 'true',
      APPROVAL_POLICY: 'all',
      APPROVAL_CONVERSATION_ID: '19:a@thread.tacv2',
      APPROVAL_TTL: '90m',
      ALLOW_SELF_APPROVAL: 'true',
    });
    expect(all.approval).toEqual({ policy: 'all', conversationId: '19:a@thread.tacv2', allowSelfApproval: true, ttlMs: 5_400_000 });
    expect(loadConfig({ DEV_MODE: 'true', APPROVAL_TTL: '2d' }).approval.ttlMs).toBe(172_800_000);
    for (const bad of ['24', '1 week', '0s', '31d']) expect(() => loadConfig({ DEV_MODE: 'true', APPROVAL_TTL: bad })).toThrow(/APPROVAL_TTL/);
    expect(() => loadConfig({ DEV_MODE: 'true', APPROVAL_POLICY: 'sometimes' })).toThrow(/APPROVAL_POLICY/);
  });

  it('has the documented limits by default', () => {
    expect(loadConfig({ DEV_MODE: 'true' }).limits).toEqual({ createsPerHour: 10, commandsPerMinute: 30, maxConcurrentDeployments: 10 });
    expect(() => loadConfig({ DEV_MODE: 'true', MAX_CONCURRENT_DEPLOYMENTS: '0' })).toThrow(/MAX_CONCURRENT_DEPLOYMENTS/);
  });

  it('documents every variable it reads in env.sample', () => {
    const sample = fs.readFileSync(path.join(__dirname, '../env.sample'), 'utf8');
    expect(ENV_KEYS.length).toBeGreaterThan(15);
    for (const k of ENV_KEYS) expect(sample).toMatch(new RegExp(`^${k}=`, 'm'));
  });
});

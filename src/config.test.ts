import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, ENV_KEYS, loadConfig } from './config';

const KEY = Buffer.alloc(32, 1).toString('base64');

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

  it('refuses to start outside dev mode without an encryption key', () => {
    expect(() => loadConfig({})).toThrow(/ENCRYPTION_KEY: required outside dev mode/);
    expect(loadConfig({ ENCRYPTION_KEY: KEY }).encryptionKey?.length).toBe(32);
  });

  it('documents every variable it reads in env.sample', () => {
    const sample = fs.readFileSync(path.join(__dirname, '../env.sample'), 'utf8');
    expect(ENV_KEYS.length).toBeGreaterThan(15);
    for (const k of ENV_KEYS) expect(sample).toMatch(new RegExp(`^${k}=`, 'm'));
  });
});

import { createCipheriv, randomBytes } from 'node:crypto';
import { createSecretBox, keyIdOf } from './secret-box';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

/** A value as the first release sealed it: v1, no key id. */
function sealV1(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

describe('the secret box', () => {
  it('seals with the current key and names it; the sealed text says nothing of the secret', () => {
    const box = createSecretBox(keyA);
    const sealed = box.seal('Carrier-Pw-1');
    expect(sealed.startsWith(`v2.${keyIdOf(keyA)}.`)).toBe(true);
    expect(sealed).not.toContain('Carrier');
    expect(box.open(sealed)).toBe('Carrier-Pw-1');
    expect(box.seal('Carrier-Pw-1')).not.toBe(sealed);
  });

  it('rotates: the new key seals, the previous key still opens what it sealed, v1 values included', () => {
    const old = createSecretBox(keyA);
    const sealedOld = old.seal('old secret');
    const v1 = sealV1(keyA, 'first release');
    const rotated = createSecretBox(keyB, [keyA]);
    expect(rotated.open(sealedOld)).toBe('old secret');
    expect(rotated.open(v1)).toBe('first release');
    expect(rotated.seal('x').split('.')[1]).toBe(keyIdOf(keyB));
    // Without the previous key, it says which key is missing instead of returning garbage.
    expect(() => createSecretBox(keyB).open(sealedOld)).toThrow(/sealed with key .* neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS/);
    expect(() => createSecretBox(keyB).open(v1)).toThrow(/neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS/);
    expect(() => rotated.open('v9.x')).toThrow(/unrecognised/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => createSecretBox(keyA, [randomBytes(8)])).toThrow(/32 bytes/);
  });
});

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest. Format `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url): the key
 * id (the first bytes of the key's SHA-256, which says nothing about the key) tells which key
 * sealed a value, so the key can be rotated: the current key seals, the previous ones still open
 * (ENCRYPTION_KEY_PREVIOUS). `v1.<iv>.<tag>.<ciphertext>` values, written before key ids, are
 * opened with whichever key fits. The keys never leave this object.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /** The id of the key that seals. */
  readonly keyId: string;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 6).toString('base64url');
}

function openWith(key: Buffer, iv: string, tag: string, ct: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}

export function createSecretBox(key: Buffer, previous: readonly Buffer[] = []): SecretBox {
  for (const k of [key, ...previous]) if (k.length !== 32) throw new SecretBoxError('encryption key must be 32 bytes');
  const current = Buffer.from(key);
  const keyId = keyIdOf(current);
  const keys = new Map<string, Buffer>([[keyId, current], ...previous.map((k) => [keyIdOf(k), Buffer.from(k)] as [string, Buffer])]);
  return {
    keyId,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v2', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts[0] === 'v2' && parts.length === 5) {
        const k = keys.get(parts[1]);
        if (!k) throw new SecretBoxError(`sealed with key ${parts[1]}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS`);
        return openWith(k, parts[2], parts[3], parts[4]);
      }
      if (parts[0] === 'v1' && parts.length === 4) {
        for (const k of keys.values()) {
          try {
            return openWith(k, parts[1], parts[2], parts[3]);
          } catch {
            // Not this key: try the next one.
          }
        }
        throw new SecretBoxError('sealed with a key that is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS');
      }
      throw new SecretBoxError('unrecognised sealed secret format');
    },
  };
}

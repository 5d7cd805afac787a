import { createHash, randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomBase62(length: number): string {
  // 256 % 62 leaves a bias; drawing from bytes below 248 (= 4 × 62) removes it.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += alphabet[byte % 62];
    }
  }
  return out;
}

/** A new public key (`pk_…`, embeddable) or secret key (`sk_…`, 190 bits of entropy). */
export function generateKey(kind: 'pk' | 'sk'): string {
  return `${kind}_${randomBase62(kind === 'sk' ? 32 : 24)}`;
}

/**
 * SHA-256 of a secret key. Keys are long random strings, so a fast hash is enough: there is no
 * dictionary to guess from, and lookups stay one indexed equality.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The part of a key shown in lists: `sk_` and the first 6 characters. */
export function keyPrefix(key: string): string {
  return key.slice(0, 9);
}

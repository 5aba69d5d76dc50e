import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox (AES-256-GCM at rest)', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals to a value that does not contain the secret and opens it again', () => {
    const sealed = box.seal('ghp_plaintexttoken', 'token:c1');
    expect(sealed).toMatch(/^v1\.[\w-]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('plaintext');
    expect(box.seal('ghp_plaintexttoken', 'token:c1')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'token:c1')).toBe('ghp_plaintexttoken');
  });

  it('refuses a changed value, another context and another key, each with a clear message', () => {
    const sealed = box.seal('secret', 'token:c1');
    const parts = sealed.split('.');
    const flipped = [
      ...parts.slice(0, 4),
      `${parts[4]!.startsWith('A') ? 'B' : 'A'}${parts[4]!.slice(1)}`,
    ].join('.');
    expect(() => box.open(flipped, 'token:c1')).toThrow(/does not decrypt/);
    expect(() => box.open(sealed, 'token:c2')).toThrow(/does not decrypt/);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'token:c1')).toThrow(
      /another HINDSIGHT_SECRET_KEY/,
    );
    expect(() => box.open('not sealed', 'token:c1')).toThrow(/damaged/);
  });

  it('refuses a value whose authentication tag was cut short (GCM accepts 4-byte tags unless told)', () => {
    const sealed = box.seal('secret', 'token:c1');
    const parts = sealed.split('.');
    for (const bytes of [4, 8, 12, 15]) {
      const short = Buffer.from(parts[3]!, 'base64url').subarray(0, bytes).toString('base64url');
      expect(() => box.open([...parts.slice(0, 3), short, parts[4]].join('.'), 'token:c1')).toThrow(
        /does not decrypt/,
      );
    }
  });

  it('without a key says which variable to set', () => {
    const none = new SecretBox(undefined);
    expect(none.ready).toBe(false);
    expect(() => none.seal('x', 'c')).toThrow(/HINDSIGHT_SECRET_KEY/);
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../domain/index.js';

const VERSION = 'v1';
const TAG_BYTES = 16;

/**
 * Secrets at rest (tracker tokens, webhook secrets) sealed with AES-256-GCM under the server's key
 * (HINDSIGHT_SECRET_KEY): `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64url. The key id (the start of the
 * key's SHA-256) tells a wrong key from a damaged value; the tracker's name is bound in as associated data,
 * so a sealed value cannot be moved to another column or connection unnoticed.
 */
export class SecretBox {
  private readonly keyId: string;

  constructor(private readonly key: Buffer | undefined) {
    if (key && key.length !== 32) throw new Error('the secret key must be 32 bytes');
    this.keyId = key ? createHash('sha256').update(key).digest('base64url').slice(0, 8) : '';
  }

  /** Whether a key was given. */
  get ready(): boolean {
    return this.key !== undefined;
  }

  private need(what: string): Buffer {
    if (!this.key)
      throw new AppError(
        'unavailable',
        `${what} needs HINDSIGHT_SECRET_KEY (32 bytes, base64 or hex) in the server's environment: credentials are stored encrypted with it`,
      );
    return this.key;
  }

  seal(plain: string, context: string): string {
    const key = this.need('storing a tracker credential');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.keyId,
      iv.toString('base64url'),
      tag.toString('base64url'),
      data.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, context: string): string {
    const key = this.need('using a tracker credential');
    const [version, keyId, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || data === undefined)
      throw new AppError('unavailable', 'a stored tracker credential is damaged; enter it again');
    if (keyId !== this.keyId)
      throw new AppError(
        'unavailable',
        'a stored tracker credential was sealed with another HINDSIGHT_SECRET_KEY; enter it again (see README, key rotation)',
      );
    try {
      // The whole 16-byte tag, always: GCM would otherwise accept a tag cut to 4 bytes, which a forger can guess.
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      const t = Buffer.from(tag, 'base64url');
      if (t.length !== TAG_BYTES) throw new Error('the tag is not 16 bytes');
      decipher.setAuthTag(t);
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new AppError('unavailable', 'a stored tracker credential does not decrypt; enter it again');
    }
  }
}

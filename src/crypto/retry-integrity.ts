import { createCipheriv } from 'node:crypto';
import { versionSecrets } from './version-secrets.js';

/**
 * The Retry Integrity Tag (RFC 9001 §5.8, RFC 9369 §3.3.3): AES-128-GCM with the version's
 * fixed key and nonce over the Retry pseudo-packet (the original DCID, then the Retry
 * packet without its tag). undefined when the version's key is unknown.
 */
export function retryIntegrityTag(version: number, originalDcid: Buffer, retryWithoutTag: Buffer): Buffer | undefined {
  const v = versionSecrets(version);
  if (!v?.retryKey || !v.retryNonce) return undefined;
  const pseudo = Buffer.concat([Buffer.from([originalDcid.length]), originalDcid, retryWithoutTag]);
  const c = createCipheriv('aes-128-gcm', v.retryKey, v.retryNonce);
  c.setAAD(pseudo);
  c.final();
  return c.getAuthTag();
}

/** true or false once checked; undefined when the version's Retry key is unknown */
export function verifyRetryIntegrity(version: number, originalDcid: Buffer, retry: Buffer): boolean | undefined {
  if (retry.length < 16) return false;
  const tag = retryIntegrityTag(version, originalDcid, retry.subarray(0, retry.length - 16));
  return tag === undefined ? undefined : tag.equals(retry.subarray(retry.length - 16));
}

import { createCipheriv } from 'node:crypto';
import { protectionFor } from './version-secrets.js';

/** RFC 9001 §5.8: the Retry Integrity Tag is an AES-128-GCM tag */
export const RETRY_TAG_LENGTH = 16;

/**
 * The Retry pseudo-packet (RFC 9001 §5.8, Figure 8): the original DCID with its length
 * byte, then the Retry packet up to its tag.
 */
export function retryPseudoPacket(originalDcid: Buffer, retryWithoutTag: Buffer): Buffer {
  return Buffer.concat([Buffer.from([originalDcid.length]), originalDcid, retryWithoutTag]);
}

/**
 * The Retry Integrity Tag (RFC 9001 §5.8, RFC 9369 §3.3.3): AES-128-GCM with the version's
 * fixed key and nonce, empty plaintext, the pseudo-packet as AAD. undefined when the
 * version's key is unknown or its Retry has no tag.
 */
export function retryIntegrityTag(version: number, originalDcid: Buffer, retryWithoutTag: Buffer): Buffer | undefined {
  const v = protectionFor(version);
  if (!v?.retryKey || !v.retryNonce) return undefined;
  const c = createCipheriv('aes-128-gcm', v.retryKey, v.retryNonce);
  c.setAAD(retryPseudoPacket(originalDcid, retryWithoutTag));
  c.final();
  return c.getAuthTag();
}

/**
 * Whether a Retry packet (its whole bytes, tag last) was made for `originalDcid`: true or
 * false once checked; undefined when the version's Retry key is unknown.
 */
export function verifyRetryIntegrity(version: number, originalDcid: Buffer, retry: Buffer): boolean | undefined {
  const v = protectionFor(version);
  if (!v?.retryKey) return undefined;
  if (retry.length < RETRY_TAG_LENGTH) return false;
  const tag = retryIntegrityTag(version, originalDcid, retry.subarray(0, retry.length - RETRY_TAG_LENGTH));
  return tag !== undefined && tag.equals(retry.subarray(retry.length - RETRY_TAG_LENGTH));
}

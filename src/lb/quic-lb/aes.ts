/** One AES-128-ECB block, from node:crypto (§5.4 names AES-128-ECB as the cipher). */
import { createCipheriv, createDecipheriv } from 'node:crypto';

const BLOCK = 16;

function assertBlock(what: string, b: Buffer): void {
  if (b.length !== BLOCK) throw new RangeError(`${what} is ${b.length} octets; AES works on ${BLOCK}-octet blocks`);
}

export function aesEncryptBlock(key: Buffer, block: Buffer): Buffer {
  assertBlock('AES input', block);
  // ECB over exactly one block with padding off: the raw block cipher, no IV.
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

export function aesDecryptBlock(key: Buffer, block: Buffer): Buffer {
  assertBlock('AES input', block);
  const d = createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([d.update(block), d.final()]);
}

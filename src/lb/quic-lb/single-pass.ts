/**
 * Single-pass encryption: when server ID and nonce fill exactly one AES block they are
 * encrypted as that block (§5.4.1) and decrypted the same way (§5.5.1).
 */
import { aesDecryptBlock, aesEncryptBlock } from './aes.js';

export const SINGLE_PASS_LENGTH = 16;

export function singlePassEncrypt(key: Buffer, plaintext: Buffer): Buffer {
  return aesEncryptBlock(key, plaintext);
}

export function singlePassDecrypt(key: Buffer, ciphertext: Buffer): Buffer {
  return aesDecryptBlock(key, ciphertext);
}

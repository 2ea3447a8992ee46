/**
 * Four-pass encryption (§5.4.2): a four-round Feistel network whose round function is
 * AES-128-ECB of one half, expanded to a block; used for every plaintext length but 16.
 */
import { aesEncryptBlock } from './aes.js';

/** Two halves of half_len octets each. For odd lengths the middle octet is shared by nibbles (§5.4.2.3 step 2). */
export interface Halves {
  left: Buffer;
  right: Buffer;
}

export function halfLength(plaintextLength: number): number {
  return Math.ceil(plaintextLength / 2);
}

/**
 * expand(length, pass, input) of §5.4.2.2: the half in the leading octets, zeros, then the
 * plaintext length and the pass number in the last two octets so each pass's AES input differs.
 */
export function expand(length: number, pass: number, half: Buffer): Buffer {
  const block = Buffer.alloc(16);
  half.copy(block, 0);
  block[14] = length;
  block[15] = pass;
  return block;
}

/** truncate(input, n) of §5.4.2.2. */
export function truncate(input: Buffer, n: number): Buffer {
  return input.subarray(0, n);
}

// With an odd length the left half owns the high nibble of the middle octet and the right
// half its low nibble; the other nibble of each is kept at zero (§5.4.2.3 steps 2, 5, 7, 9, 11).
function clearLeftTail(left: Buffer, odd: boolean): void {
  if (odd) left[left.length - 1]! &= 0xf0;
}

function clearRightHead(right: Buffer, odd: boolean): void {
  if (odd) right[0]! &= 0x0f;
}

/** §5.4.2.3 step 2 (and the first step of §5.5.2, which splits the ciphertext the same way). */
export function split(block: Buffer): Halves {
  const half = halfLength(block.length);
  const odd = block.length % 2 === 1;
  const left = Buffer.from(block.subarray(0, half));
  const right = Buffer.from(block.subarray(block.length - half));
  clearLeftTail(left, odd);
  clearRightHead(right, odd);
  return { left, right };
}

/** §5.4.2.3 step 12: rejoin, merging the two nibbles of the shared middle octet. */
export function join({ left, right }: Halves, length: number): Buffer {
  if (length % 2 === 0) return Buffer.concat([left, right]);
  const out = Buffer.concat([left, right.subarray(1)]);
  out[left.length - 1] = (left[left.length - 1]! & 0xf0) | (right[0]! & 0x0f);
  return out;
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** One Feistel round: `target` XOR the first half_len octets of AES(expand(length, pass, source)). */
function round(key: Buffer, length: number, pass: number, source: Buffer, target: Buffer): Buffer {
  return xor(target, truncate(aesEncryptBlock(key, expand(length, pass, source)), source.length));
}

export function fourPassEncrypt(key: Buffer, plaintext: Buffer): Buffer {
  const length = plaintext.length;
  const odd = length % 2 === 1;
  const { left: left0, right: right0 } = split(plaintext);
  const right1 = round(key, length, 1, left0, right0);
  clearRightHead(right1, odd);
  const left1 = round(key, length, 2, right1, left0);
  clearLeftTail(left1, odd);
  const right2 = round(key, length, 3, left1, right1);
  clearRightHead(right2, odd);
  const left2 = round(key, length, 4, right2, left1);
  clearLeftTail(left2, odd);
  return join({ left: left2, right: right2 }, length);
}

/**
 * The rounds of §5.5.2 in reverse order. A balancer that only wants a server ID no longer
 * than the nonce may stop after three; we run all four because callers also get the nonce.
 * (In §5.5.2's pseudocode the second clearing names left_1; it is right_1 that gets cleared,
 * as in step 5 of §5.4.2.3.)
 */
export function fourPassDecrypt(key: Buffer, ciphertext: Buffer): Buffer {
  const length = ciphertext.length;
  const odd = length % 2 === 1;
  const { left: left2, right: right2 } = split(ciphertext);
  const left1 = round(key, length, 4, right2, left2);
  clearLeftTail(left1, odd);
  const right1 = round(key, length, 3, left1, right2);
  clearRightHead(right1, odd);
  const left0 = round(key, length, 2, right1, left1);
  clearLeftTail(left0, odd);
  const right0 = round(key, length, 1, left0, right1);
  clearRightHead(right0, odd);
  return join({ left: left0, right: right0 }, length);
}

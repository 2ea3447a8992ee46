/** The first CID octet: config rotation bits, then the length or random bits (§3.4). */
import { randomInt } from 'node:crypto';

export interface FirstOctet {
  /** top 3 bits (§3.1) */
  configId: number;
  /** low 5 bits: CID length minus one when self-encoded, random otherwise (§3.3) */
  lowBits: number;
}

const LOW_MASK = 0x1f;

/**
 * Builds the first octet for a CID of `cidLength` octets. Without length self-description
 * the low bits are drawn at random so they say nothing about earlier CIDs (§3.3).
 */
export function firstOctet(configId: number, cidLength: number, lengthSelfEncoded: boolean): number {
  const low = lengthSelfEncoded ? cidLength - 1 : randomInt(0, LOW_MASK + 1);
  return ((configId & 0x07) << 5) | (low & LOW_MASK);
}

export function readFirstOctet(octet: number): FirstOctet {
  return { configId: octet >> 5, lowBits: octet & LOW_MASK };
}

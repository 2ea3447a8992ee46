/**
 * Where an analysed fact comes from (design.md, keyless rules): `proven` by the packets
 * themselves; `inferred` from what the packets show, with the reasoning; `unknown` when the
 * packets that would say are missing or encrypted, with why.
 */
export type Evidence = 'proven' | 'inferred';

export interface Fact {
  evidence: Evidence | 'unknown';
  /** what proves it, the reasoning behind an inference, or why it is unknown */
  reason: string;
}

import type { DecryptResult } from './packet-record.js';

/** the reason a fact held in encrypted packets is unknown */
export const NO_KEYS = 'encrypted: no key log for this connection';

/** why a packet's frames could not be read, in the words a Fact's reason uses */
export function unreadReason(decrypted: Exclude<DecryptResult, true>): string {
  if (decrypted === 'no keys') return NO_KEYS;
  if (decrypted === 'frames not logged') return 'the log does not record the frames of these packets';
  return `encrypted: ${decrypted}`;
}

/**
 * An audit result: something in the traffic that breaks a rule or deserves a look. Codes
 * are snake_case and documented in docs/findings.md.
 */
export interface Finding {
  severity: 'error' | 'warning' | 'info';
  code: string;
  connection: number;
  /** the record where it shows, when there is one */
  frame?: number;
  message: string;
  /** what it rests on: `--fail-on` counts only proven findings unless `--fail-on-inferred` is given */
  evidence: Evidence;
  /** for an inferred finding, the reasoning */
  reason?: string;
}

/** A check that could not be made: the facts it needs are unknown, and why. */
export interface Unjudged {
  /** the finding code the check would give */
  code: string;
  connection: number;
  frame?: number;
  reason: string;
}

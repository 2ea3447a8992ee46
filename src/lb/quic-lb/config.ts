/**
 * QUIC-LB configuration (draft-ietf-quic-load-balancers, editor's copy after -21) and the
 * limits the draft puts on it. Section numbers below are those of that draft.
 */

/** One QUIC-LB configuration, as shared by the configuration agent with servers and load balancers (§5.3). */
export interface QuicLbConfig {
  /** config rotation codepoint carried in the top 3 bits of the first octet, 0-6 (§3.1) */
  configId: number;
  /** server ID length in octets (§5.1) */
  serverIdLength: number;
  /** nonce length in octets (§5.3) */
  nonceLength: number;
  /** 16-octet AES-128 key; absent means the plaintext algorithm (§5.3) */
  key?: Buffer;
}

/** Codepoint 0b111 marks a CID from a server with no configuration: never routable (§3.2). */
export const UNROUTABLE_CONFIG_ID = 7;
/** Highest codepoint a configuration may use; 7 is reserved (§3.1). */
export const MAX_CONFIG_ID = 6;
/** §5.1 and §5.3: at least one octet of server ID. */
export const MIN_SERVER_ID_LENGTH = 1;
/** Appendix A (YANG `server-id-length` range): leaves room for the 4-octet nonce within 19. */
export const MAX_SERVER_ID_LENGTH = 15;
/** §5.2 (Nonce (32..)) and §5.3: at least four octets of nonce. */
export const MIN_NONCE_LENGTH = 4;
/** Appendix A (YANG `nonce-length` range): leaves room for a 1-octet server ID within 19. */
export const MAX_NONCE_LENGTH = 18;
/** §5.2: the plaintext block after the first octet is 40 to 152 bits. */
export const MIN_PLAINTEXT_LENGTH = 5;
export const MAX_PLAINTEXT_LENGTH = 19;
/** QUIC version 1 caps connection IDs at 20 octets, which is where the 19 above comes from (§5.3). */
export const MAX_CID_LENGTH = 20;
/** AES-128 (§5.3: the optional key is 16 octets; §5.4 names AES-128-ECB). */
export const KEY_LENGTH = 16;

/** Octets after the first: server ID followed by nonce (§5.2). */
export function plaintextLength(c: QuicLbConfig): number {
  return c.serverIdLength + c.nonceLength;
}

/** Whole CID length the configuration yields, first octet included. */
export function cidLength(c: QuicLbConfig): number {
  return 1 + plaintextLength(c);
}

function wholeNumberProblem(field: string, v: number): string | undefined {
  return Number.isInteger(v) && v >= 0 ? undefined : `${field} ${v} is not a whole number`;
}

/**
 * Every way `c` breaks the draft's limits, as plain sentences naming the field, the limit
 * and the section. An empty list means the configuration is usable.
 */
export function quicLbConfigProblems(c: QuicLbConfig): string[] {
  const problems: string[] = [];

  const idShape = wholeNumberProblem('configId', c.configId);
  if (idShape) problems.push(`${idShape}; the config rotation bits hold 0 to ${MAX_CONFIG_ID} (§3.1)`);
  else if (c.configId === UNROUTABLE_CONFIG_ID) {
    problems.push(`configId ${UNROUTABLE_CONFIG_ID} (0b111) is reserved for unroutable CIDs and no configuration may use it (§3.1, §3.2)`);
  } else if (c.configId > UNROUTABLE_CONFIG_ID) {
    problems.push(`configId ${c.configId} does not fit the 3 config rotation bits; usable values are 0 to ${MAX_CONFIG_ID} (§3.1)`);
  }

  const sidShape = wholeNumberProblem('serverIdLength', c.serverIdLength);
  if (sidShape) problems.push(`${sidShape} of octets (§5.1)`);
  else if (c.serverIdLength < MIN_SERVER_ID_LENGTH) {
    problems.push(`serverIdLength ${c.serverIdLength} is below the draft's minimum of ${MIN_SERVER_ID_LENGTH} (§5.1, §5.3)`);
  } else if (c.serverIdLength > MAX_SERVER_ID_LENGTH) {
    problems.push(`serverIdLength ${c.serverIdLength} is above the draft's maximum of ${MAX_SERVER_ID_LENGTH}, which leaves room for the minimum nonce (Appendix A, §5.3)`);
  }

  const nonceShape = wholeNumberProblem('nonceLength', c.nonceLength);
  if (nonceShape) problems.push(`${nonceShape} of octets (§5.3)`);
  else if (c.nonceLength < MIN_NONCE_LENGTH) {
    problems.push(`nonceLength ${c.nonceLength} is below the draft's minimum of ${MIN_NONCE_LENGTH} (§5.2, §5.3)`);
  } else if (c.nonceLength > MAX_NONCE_LENGTH) {
    problems.push(`nonceLength ${c.nonceLength} is above the draft's maximum of ${MAX_NONCE_LENGTH}, which leaves room for the minimum server ID (Appendix A, §5.3)`);
  }

  // The totals only mean something once both lengths are whole numbers.
  if (!sidShape && !nonceShape) {
    const total = plaintextLength(c);
    if (total < MIN_PLAINTEXT_LENGTH) {
      problems.push(`serverIdLength + nonceLength is ${total}, below the draft's minimum of ${MIN_PLAINTEXT_LENGTH} octets (§5.2, §5.4.2.2)`);
    } else if (total > MAX_PLAINTEXT_LENGTH) {
      problems.push(`serverIdLength + nonceLength is ${total}, above the draft's maximum of ${MAX_PLAINTEXT_LENGTH} octets (§5.3)`);
      problems.push(`the resulting CID would be ${total + 1} octets, over QUIC version 1's limit of ${MAX_CID_LENGTH} (§5.3)`);
    }
  }

  if (c.key !== undefined && c.key.length !== KEY_LENGTH) {
    problems.push(`key is ${c.key.length} octets but must be exactly ${KEY_LENGTH} for AES-128-ECB (§5.3, §5.4)`);
  }
  return problems;
}

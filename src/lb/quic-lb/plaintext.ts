/** The plaintext block after the first octet: server ID then nonce (§5.2). */

export interface PlaintextParts {
  serverId: Buffer;
  nonce: Buffer;
}

export function joinPlaintext(serverId: Buffer, nonce: Buffer): Buffer {
  return Buffer.concat([serverId, nonce]);
}

/** Splits a block of exactly serverIdLength + nonceLength octets. */
export function splitPlaintext(block: Buffer, serverIdLength: number): PlaintextParts {
  return {
    serverId: Buffer.from(block.subarray(0, serverIdLength)),
    nonce: Buffer.from(block.subarray(serverIdLength)),
  };
}

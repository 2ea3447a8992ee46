/**
 * Encoding and decoding of QUIC-LB connection IDs (draft-ietf-quic-load-balancers): the
 * first octet (§3), then server ID and nonce (§5.2), plaintext or encrypted (§5.4, §5.5).
 */
import { cidLength, plaintextLength, quicLbConfigProblems, UNROUTABLE_CONFIG_ID, type QuicLbConfig } from './config.js';
import { fourPassDecrypt, fourPassEncrypt } from './encrypted.js';
import { firstOctet, readFirstOctet } from './first-octet.js';
import { joinPlaintext, splitPlaintext } from './plaintext.js';
import { SINGLE_PASS_LENGTH, singlePassDecrypt, singlePassEncrypt } from './single-pass.js';

export { quicLbConfigProblems, type QuicLbConfig } from './config.js';

export type DecodedCid =
  | {
      ok: true;
      configId: number;
      serverId: Buffer;
      nonce: Buffer;
      /**
       * The low 5 bits of the first octet equal the CID's length minus one. Random bits
       * match by chance one time in 32, so `true` means "consistent with", not "proved".
       */
      lengthEncoded: boolean;
    }
  | { ok: false; reason: string };

function describe(c: QuicLbConfig): string {
  return `${c.serverIdLength}-octet server ID + ${c.nonceLength}-octet nonce`;
}

/** Plaintext block to what goes on the wire after the first octet (§5.4). */
function protect(c: QuicLbConfig, block: Buffer): Buffer {
  if (!c.key) return block;
  return block.length === SINGLE_PASS_LENGTH ? singlePassEncrypt(c.key, block) : fourPassEncrypt(c.key, block);
}

/** The inverse of `protect`, as a load balancer does it (§5.5). */
function unprotect(c: QuicLbConfig, block: Buffer): Buffer {
  if (!c.key) return Buffer.from(block);
  return block.length === SINGLE_PASS_LENGTH ? singlePassDecrypt(c.key, block) : fourPassDecrypt(c.key, block);
}

/**
 * A server's CID for `serverId` and `nonce` under `c` (§5.4). With `lengthSelfEncoded`
 * the first octet's low bits carry the CID length minus one (§3.3), else random bits.
 * Throws a RangeError when the config breaks the draft's limits or a field has the wrong length.
 */
export function encodeQuicLbCid(c: QuicLbConfig, serverId: Buffer, nonce: Buffer, lengthSelfEncoded = true): Buffer {
  const problems = quicLbConfigProblems(c);
  if (problems.length > 0) throw new RangeError(`QUIC-LB config ${c.configId} is invalid: ${problems.join('; ')}`);
  if (serverId.length !== c.serverIdLength) {
    throw new RangeError(`server ID is ${serverId.length} octets but config ${c.configId} uses ${c.serverIdLength}`);
  }
  if (nonce.length !== c.nonceLength) {
    throw new RangeError(`nonce is ${nonce.length} octets but config ${c.configId} uses ${c.nonceLength}`);
  }
  const body = protect(c, joinPlaintext(serverId, nonce));
  return Buffer.concat([Buffer.of(firstOctet(c.configId, cidLength(c), lengthSelfEncoded)), body]);
}

/**
 * What a load balancer learns from `cid` (§5.5): the config chosen by the config rotation
 * bits (§3.1), then the server ID and nonce. Octets past the nonce are the server's own
 * (§5.4) and are ignored. Failures say why the CID is unroutable (§4.1).
 */
export function decodeQuicLbCid(configs: readonly QuicLbConfig[], cid: Buffer): DecodedCid {
  if (cid.length === 0) return { ok: false, reason: 'the CID is empty, so it has no first octet to carry config rotation bits' };
  const { configId, lowBits } = readFirstOctet(cid[0]!);
  if (configId === UNROUTABLE_CONFIG_ID) {
    return { ok: false, reason: 'config rotation bits are 0b111 (7), the codepoint servers without a configuration use: always unroutable (§3.2, §4.1)' };
  }
  const matches = configs.filter((c) => c.configId === configId);
  if (matches.length === 0) {
    const known = configs.map((c) => c.configId).join(', ');
    return {
      ok: false,
      reason: `no configuration has config id ${configId} (config rotation bits 0b${configId.toString(2).padStart(3, '0')}); ${configs.length === 0 ? 'none are configured' : `known ids: ${known}`} (§3.2, §4.1)`,
    };
  }
  if (matches.length > 1) return { ok: false, reason: `${matches.length} configurations claim config id ${configId}, so the CID is ambiguous (§3.1)` };
  const c = matches[0]!;
  const problems = quicLbConfigProblems(c);
  if (problems.length > 0) return { ok: false, reason: `config ${configId} is invalid: ${problems.join('; ')}` };
  const need = cidLength(c);
  if (cid.length < need) {
    return {
      ok: false,
      reason: `the CID is ${cid.length} octet${cid.length === 1 ? '' : 's'}, too short for config ${configId}, which needs ${need} (first octet + ${describe(c)}) (§4.1)`,
    };
  }
  const block = unprotect(c, cid.subarray(1, 1 + plaintextLength(c)));
  const { serverId, nonce } = splitPlaintext(block, c.serverIdLength);
  return { ok: true, configId, serverId, nonce, lengthEncoded: lowBits === cid.length - 1 };
}

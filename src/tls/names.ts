/**
 * Names of TLS code points that a person reading a handshake wants to see: cipher suites
 * (RFC 8446 §B.4), named groups (RFC 8446 §4.2.7, RFC 7919, the hybrid post-quantum groups
 * of draft-ietf-tls-ecdhe-mlkem) and GREASE values (RFC 8701).
 */
const CIPHER_SUITES: Record<number, string> = {
  0x1301: 'TLS_AES_128_GCM_SHA256',
  0x1302: 'TLS_AES_256_GCM_SHA384',
  0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
};

const GROUPS: Record<number, string> = {
  0x0017: 'secp256r1',
  0x0018: 'secp384r1',
  0x0019: 'secp521r1',
  0x001d: 'x25519',
  0x001e: 'x448',
  0x0100: 'ffdhe2048',
  0x0101: 'ffdhe3072',
  0x0102: 'ffdhe4096',
  0x0103: 'ffdhe6144',
  0x0104: 'ffdhe8192',
  0x11eb: 'SecP256r1MLKEM768',
  0x11ec: 'X25519MLKEM768',
  0x11ed: 'SecP384r1MLKEM1024',
  0x6399: 'X25519Kyber768Draft00',
};

/** RFC 8701 §2: GREASE values are 0x?a?a with both bytes equal */
export function isGrease16(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

function named(table: Record<number, string>, v: number): string {
  if (isGrease16(v)) return `GREASE 0x${v.toString(16)}`;
  return table[v] ?? `0x${v.toString(16).padStart(4, '0')}`;
}

export const cipherSuiteName = (v: number): string => named(CIPHER_SUITES, v);
export const groupName = (v: number): string => named(GROUPS, v);

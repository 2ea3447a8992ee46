import { createHash } from 'node:crypto';
import type { ClientHello } from './client-hello.js';
import { ExtensionType } from './extensions.js';
import { isGrease16 } from './names.js';

/** signature_algorithms (RFC 8446 §4.2.3) */
const SIGNATURE_ALGORITHMS = 13;

const hex4 = (v: number) => v.toString(16).padStart(4, '0');
const hash12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

/**
 * The JA4 fingerprint of a ClientHello (FoxIO's JA4 specification), in its QUIC form: "q",
 * the TLS version, SNI present or not, the counts of cipher suites and extensions, the
 * first ALPN's first and last characters; then truncated SHA-256 hashes of the sorted
 * suites and of the sorted extensions (without SNI and ALPN) with the signature
 * algorithms in their order. GREASE values never count.
 */
export function ja4(hello: ClientHello): string {
  const suites = hello.cipherSuites.filter((s) => !isGrease16(s));
  const extensions = hello.extensions.map((e) => e.type).filter((t) => !isGrease16(t));
  const versions = hello.supportedVersions.filter((v) => !isGrease16(v));
  const top = versions.length > 0 ? Math.max(...versions) : 0x0303;
  const version = top === 0x0304 ? '13' : top === 0x0303 ? '12' : '00';
  const sni = hello.serverName !== undefined ? 'd' : 'i';
  const alpn = hello.alpn[0];
  const alpnPart = alpn ? `${alpn[0]}${alpn[alpn.length - 1]}` : '00';
  const count = (n: number) => String(Math.min(n, 99)).padStart(2, '0');
  const a = `q${version}${sni}${count(suites.length)}${count(extensions.length)}${alpnPart}`;

  const b = hash12(suites.map(hex4).sort().join(','));
  const sorted = extensions
    .filter((t) => t !== ExtensionType.server_name && t !== ExtensionType.alpn)
    .map(hex4)
    .sort()
    .join(',');
  const sigs = hello.extensions.find((e) => e.type === SIGNATURE_ALGORITHMS);
  const sigList: string[] = [];
  if (sigs && sigs.data.length >= 2) {
    for (let i = 2; i + 1 < 2 + sigs.data.readUInt16BE(0) && i + 1 < sigs.data.length; i += 2) sigList.push(hex4(sigs.data.readUInt16BE(i)));
  }
  const c = hash12(sigList.length > 0 ? `${sorted}_${sigList.join(',')}` : sorted);
  return `${a}_${b}_${c}`;
}

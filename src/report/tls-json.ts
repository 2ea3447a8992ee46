import type { TlsFacts } from '../analysis/tls-facts.js';
import { cipherSuiteName, groupName } from '../tls/names.js';

const tlsVersion = (v: number) => (v === 0x0304 ? 'TLS 1.3' : v === 0x0303 ? 'TLS 1.2' : `0x${v.toString(16).padStart(4, '0')}`);

/** A connection's TLS handshake for `summary --format json` (docs/json.md). */
export function tlsToJson(t: TlsFacts): Record<string, unknown> {
  const ch = t.clientHello;
  const sh = t.serverHello;
  return {
    clientHello: ch
      ? {
          random: ch.random.toString('hex'),
          sni: ch.serverName ?? null,
          alpn: ch.alpn,
          cipherSuites: ch.cipherSuites.map(cipherSuiteName),
          supportedVersions: ch.supportedVersions.map(tlsVersion),
          supportedGroups: ch.supportedGroups.map(groupName),
          keyShareGroups: ch.keyShareGroups.map(groupName),
          // RFC 8446 §4.2.9
          pskModes: ch.pskModes.map((m) => (m === 0 ? 'psk_ke' : m === 1 ? 'psk_dhe_ke' : `unknown_${m}`)),
          resumption: ch.resumption,
          earlyData: ch.earlyData,
          ja4: t.ja4 ?? null,
        }
      : null,
    serverHello: sh
      ? {
          cipherSuite: cipherSuiteName(sh.cipherSuite),
          group: sh.keyShareGroup === undefined ? null : groupName(sh.keyShareGroup),
          pskAccepted: sh.pskAccepted,
        }
      : null,
    gquicClientHello: t.gquicHello
      ? { sni: t.gquicHello.serverName ?? null, userAgent: t.gquicHello.userAgent ?? null, version: t.gquicHello.version ?? null, tags: t.gquicHello.tags }
      : null,
    helloRetryRequest: t.helloRetryRequest,
    earlyDataAccepted: t.encryptedExtensions && !t.encryptedExtensions.earlyDataUnknown ? t.encryptedExtensions.earlyDataAccepted : null,
    certificate: t.certificate ?? null,
    tickets: t.tickets,
    finished: t.finished,
  };
}

import { ByteReader } from '../wire/byte-reader.js';
import { ExtensionType, readAlpn, readExtensions, readServerName, readU16List, type Extension } from './extensions.js';

/** What a ClientHello (RFC 8446 §4.1.2) tells about a QUIC connection attempt. */
export interface ClientHello {
  /** 32 bytes; the key that finds this connection's secrets in a key log */
  random: Buffer;
  cipherSuites: number[];
  serverName?: string;
  alpn: string[];
  supportedVersions: number[];
  supportedGroups: number[];
  keyShareGroups: number[];
  pskModes: number[];
  /** pre_shared_key present: the client tries to resume */
  resumption: boolean;
  /**
   * pre_shared_key's binders (hex), one per offered identity: an HMAC over this very
   * ClientHello, so a client never sends the same one twice; the same binder in two
   * connections is one ClientHello replayed
   */
  pskBinders: string[];
  /** early_data present: the client sends 0-RTT */
  earlyData: boolean;
  /** quic_transport_parameters, undecoded here */
  transportParameters?: Buffer;
  extensions: Extension[];
}

/** `body` is the message without its 4-byte handshake header; `base` its offset for errors. */
export function parseClientHello(body: Buffer, base = 0): ClientHello {
  const r = new ByteReader(body, base);
  r.u16('legacy_version');
  const random = r.bytes(32, 'the 32-byte random');
  r.skip(r.u8('the legacy_session_id length'), 'legacy_session_id');
  const suites = r.sub(r.u16('the cipher_suites length'), 'cipher_suites');
  const cipherSuites: number[] = [];
  while (!suites.atEnd) cipherSuites.push(suites.u16('a cipher suite'));
  r.skip(r.u8('the legacy_compression_methods length'), 'legacy_compression_methods');
  const extensions = readExtensions(r);

  const hello: ClientHello = {
    random,
    cipherSuites,
    alpn: [],
    supportedVersions: [],
    supportedGroups: [],
    keyShareGroups: [],
    pskModes: [],
    resumption: false,
    pskBinders: [],
    earlyData: false,
    extensions,
  };
  for (const e of extensions) {
    const at = base + (e.data.byteOffset - body.byteOffset);
    switch (e.type) {
      case ExtensionType.server_name:
        hello.serverName = readServerName(e.data, at);
        break;
      case ExtensionType.alpn:
        hello.alpn = readAlpn(e.data, at);
        break;
      case ExtensionType.supported_versions:
        hello.supportedVersions = readU16List(e.data, at, 1);
        break;
      case ExtensionType.supported_groups:
        hello.supportedGroups = readU16List(e.data, at, 2);
        break;
      case ExtensionType.key_share:
        hello.keyShareGroups = readKeyShareGroups(e.data, at);
        break;
      case ExtensionType.psk_key_exchange_modes:
        hello.pskModes = [...e.data.subarray(1, 1 + (e.data[0] ?? 0))];
        break;
      case ExtensionType.pre_shared_key:
        hello.resumption = true;
        hello.pskBinders = readPskBinders(e.data, at);
        break;
      case ExtensionType.early_data:
        hello.earlyData = true;
        break;
      case ExtensionType.quic_transport_parameters:
      case ExtensionType.quic_transport_parameters_draft:
        hello.transportParameters = e.data;
        break;
    }
  }
  return hello;
}

/** pre_shared_key in a ClientHello (RFC 8446 §4.2.11): identities (identity, ticket age), then binders */
function readPskBinders(data: Buffer, base: number): string[] {
  const r = new ByteReader(data, base);
  r.skip(r.u16('the PSK identities length'), 'the PSK identities');
  const binders = r.sub(r.u16('the PSK binders length'), 'the PSK binders');
  const out: string[] = [];
  while (!binders.atEnd) out.push(binders.bytes(binders.u8('a PSK binder length'), 'a PSK binder').toString('hex'));
  return out;
}

/** key_share in a ClientHello (RFC 8446 §4.2.8): the groups the client sent shares for */
function readKeyShareGroups(data: Buffer, base: number): number[] {
  const r = new ByteReader(data, base);
  const list = r.sub(r.u16('the client_shares length'));
  const out: number[] = [];
  while (!list.atEnd) {
    out.push(list.u16('a key share group'));
    list.skip(list.u16('a key share length'), 'a key share');
  }
  return out;
}

import { ByteReader } from '../wire/byte-reader.js';

/** TLS extension code points we read (RFC 8446 §4.2, RFC 6066, RFC 7301, RFC 9001 §8.2). */
export const ExtensionType = {
  server_name: 0,
  supported_groups: 10,
  alpn: 16,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  psk_key_exchange_modes: 45,
  key_share: 51,
  quic_transport_parameters: 0x39,
  /** the code point QUIC drafts used before RFC 9001 */
  quic_transport_parameters_draft: 0xffa5,
} as const;

export interface Extension {
  type: number;
  data: Buffer;
}

/** The extensions block: a 16-bit total length, then type, length, data for each. */
export function readExtensions(r: ByteReader): Extension[] {
  if (r.atEnd) return [];
  const all = r.sub(r.u16('the extensions length'), 'the extensions');
  const out: Extension[] = [];
  while (!all.atEnd) {
    const type = all.u16('an extension type');
    const len = all.u16('an extension length');
    out.push({ type, data: all.bytes(len, `the data of extension ${type} (${len} bytes)`) });
  }
  return out;
}

/** server_name (RFC 6066 §3): the host_name entry */
export function readServerName(data: Buffer, base: number): string | undefined {
  const r = new ByteReader(data, base);
  const list = r.sub(r.u16('the server name list length'));
  while (!list.atEnd) {
    const kind = list.u8('a server name type');
    const name = list.bytes(list.u16('a server name length'), 'a server name');
    if (kind === 0) return name.toString('latin1');
  }
  return undefined;
}

/** application_layer_protocol_negotiation (RFC 7301 §3.1): a list of protocol names */
export function readAlpn(data: Buffer, base: number): string[] {
  const r = new ByteReader(data, base);
  const list = r.sub(r.u16('the ALPN list length'));
  const out: string[] = [];
  while (!list.atEnd) out.push(list.bytes(list.u8('an ALPN name length'), 'an ALPN name').toString('latin1'));
  return out;
}

/** a list of 16-bit values behind a length of `lengthBytes` bytes */
export function readU16List(data: Buffer, base: number, lengthBytes: 1 | 2): number[] {
  const r = new ByteReader(data, base);
  const list = r.sub(lengthBytes === 1 ? r.u8('a list length') : r.u16('a list length'));
  const out: number[] = [];
  while (!list.atEnd) out.push(list.u16('a 16-bit list entry'));
  return out;
}

import { ByteReader } from '../wire/byte-reader.js';
import { ExtensionType, readAlpn, readExtensions } from './extensions.js';

/** EncryptedExtensions (RFC 8446 §4.3.1): what the server agreed to, sent under handshake keys. */
export interface EncryptedExtensions {
  /** the protocol the server chose (RFC 7301 §3.1: exactly one name) */
  alpn?: string;
  /** early_data present: the server accepts the client's 0-RTT (RFC 8446 §4.2.10) */
  earlyDataAccepted: boolean;
  /** set where the ALPN came from a log that does not say whether early data was taken: earlyDataAccepted means nothing then */
  earlyDataUnknown?: true;
  transportParameters?: Buffer;
}

export function parseEncryptedExtensions(body: Buffer, base = 0): EncryptedExtensions {
  const out: EncryptedExtensions = { earlyDataAccepted: false };
  for (const e of readExtensions(new ByteReader(body, base))) {
    if (e.type === ExtensionType.alpn) out.alpn = readAlpn(e.data, base)[0];
    if (e.type === ExtensionType.early_data) out.earlyDataAccepted = true;
    if (e.type === ExtensionType.quic_transport_parameters || e.type === ExtensionType.quic_transport_parameters_draft) {
      out.transportParameters = e.data;
    }
  }
  return out;
}

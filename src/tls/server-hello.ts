import { ByteReader } from '../wire/byte-reader.js';
import { ExtensionType, readExtensions, type Extension } from './extensions.js';

/**
 * RFC 8446 §4.1.3. A ServerHello whose random is the special HelloRetryRequest value is a
 * HelloRetryRequest: the server asks for another key share, which costs a round trip.
 */
export interface ServerHello {
  random: Buffer;
  cipherSuite: number;
  selectedVersion?: number;
  keyShareGroup?: number;
  /** pre_shared_key present: the server accepted resumption */
  pskAccepted: boolean;
  helloRetryRequest: boolean;
  extensions: Extension[];
}

/** RFC 8446 §4.1.3: SHA-256 of "HelloRetryRequest" */
const HELLO_RETRY_REQUEST_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);

export function parseServerHello(body: Buffer, base = 0): ServerHello {
  const r = new ByteReader(body, base);
  r.u16('legacy_version');
  const random = r.bytes(32, 'the 32-byte random');
  r.skip(r.u8('the legacy_session_id_echo length'), 'legacy_session_id_echo');
  const cipherSuite = r.u16('the cipher suite');
  r.u8('legacy_compression_method');
  const extensions = readExtensions(r);
  const hello: ServerHello = {
    random,
    cipherSuite,
    pskAccepted: false,
    helloRetryRequest: random.equals(HELLO_RETRY_REQUEST_RANDOM),
    extensions,
  };
  for (const e of extensions) {
    if (e.type === ExtensionType.supported_versions && e.data.length >= 2) hello.selectedVersion = e.data.readUInt16BE(0);
    if (e.type === ExtensionType.key_share && e.data.length >= 2) hello.keyShareGroup = e.data.readUInt16BE(0);
    if (e.type === ExtensionType.pre_shared_key) hello.pskAccepted = true;
  }
  return hello;
}

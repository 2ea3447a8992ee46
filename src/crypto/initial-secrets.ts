import { INITIAL_SUITE } from './cipher-suites.js';
import { hkdfExpandLabel, hkdfExtract } from './hkdf.js';
import { PacketKeys } from './packet-keys.js';
import { protectionFor } from './version-secrets.js';

export interface InitialSecrets {
  client: Buffer;
  server: Buffer;
}

const NO_CONTEXT = Buffer.alloc(0);

/**
 * RFC 9001 §5.2: Initial packets are protected with secrets anyone can derive, from the
 * Destination Connection ID of the client's first Initial and the version's salt; the
 * labels "client in" / "server in" are the same in every version (RFC 9369 §3.3.2 renames
 * only the packet-protection ones). undefined for a version whose salt we do not know.
 */
export function initialSecrets(version: number, clientDcid: Buffer): InitialSecrets | undefined {
  const v = protectionFor(version);
  if (!v) return undefined;
  const initial = hkdfExtract(INITIAL_SUITE.hash, v.initialSalt, clientDcid);
  return {
    client: hkdfExpandLabel(INITIAL_SUITE.hash, initial, 'client in', NO_CONTEXT, INITIAL_SUITE.hashLength),
    server: hkdfExpandLabel(INITIAL_SUITE.hash, initial, 'server in', NO_CONTEXT, INITIAL_SUITE.hashLength),
  };
}

/** the Initial packet keys of both directions (AES-128-GCM, RFC 9001 §5.2) */
export function initialKeys(version: number, clientDcid: Buffer): { client: PacketKeys; server: PacketKeys } | undefined {
  const v = protectionFor(version);
  const secrets = initialSecrets(version, clientDcid);
  if (!v || !secrets) return undefined;
  return { client: new PacketKeys(secrets.client, INITIAL_SUITE, v), server: new PacketKeys(secrets.server, INITIAL_SUITE, v) };
}

import { INITIAL_SUITE } from './cipher-suites.js';
import { hkdfExpandLabel, hkdfExtract } from './hkdf.js';
import { PacketKeys } from './packet-keys.js';
import { versionSecrets } from './version-secrets.js';

/**
 * RFC 9001 §5.2: Initial packets are protected with keys anyone can derive from the
 * client's Destination Connection ID and the version's salt. undefined for a version whose
 * salt we do not know.
 */
export function initialKeys(version: number, clientDcid: Buffer): { client: PacketKeys; server: PacketKeys } | undefined {
  const v = versionSecrets(version);
  if (!v) return undefined;
  const initial = hkdfExtract('sha256', v.initialSalt, clientDcid);
  const client = hkdfExpandLabel('sha256', initial, 'client in', Buffer.alloc(0), 32);
  const server = hkdfExpandLabel('sha256', initial, 'server in', Buffer.alloc(0), 32);
  return { client: new PacketKeys(client, INITIAL_SUITE, v), server: new PacketKeys(server, INITIAL_SUITE, v) };
}

/**
 * What an HAProxy QUIC frontend does when a client's address or port changes, by the
 * version the config is written for. Read from HAProxy's source (haproxy/haproxy):
 *
 * - 2.6 (QUIC's first release, experimental) and 2.7.0 keep answering the address the
 *   handshake came from: they have no migration handling at all.
 * - The 2.8 development cycle first detected a new peer address after the handshake and
 *   moved the connection there, without path validation (commits eec0b3c1b, eb6be98a6,
 *   d3083c9df, in 2.8-dev1), then refused migration outright:
 * - from 2.8 (commit 6fc86974c, January 2023, also backported to later 2.7 releases)
 *   every frontend sends disable_active_migration and drops every datagram whose source
 *   address or port differs from the connection's (qc_handle_conn_migration compares
 *   both): a NAT rebinding loses the connection as surely as a WiFi-to-LTE move.
 *   configuration.txt says so since 3.0 ("haproxy does not support" migration), and the
 *   3.5 development tree still behaves this way. No directive turns it on, and HAProxy
 *   never offers a preferred_address.
 */
export interface MigrationSupport {
  /** one sentence for the listener's notes */
  note: string;
  /** the endpoint tells clients not to migrate (disable_active_migration) */
  disabled?: string;
  /** the endpoint drops packets from a new address or port: even NAT rebinding breaks */
  dropsNewPaths?: string;
  advice: string;
}

interface Version {
  major: number;
  minor: number;
}

function parseVersion(text: string | undefined): Version | undefined {
  const m = text?.match(/^v?(\d+)\.(\d+)/);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

const before = (v: Version, major: number, minor: number) => v.major < major || (v.major === major && v.minor < minor);

const NO_DIRECTIVE =
  'HAProxy has no directive that lets a QUIC connection follow a client to a new address or port. If mobile clients must keep their connections, terminate QUIC on a server that supports migration (nginx 1.25+ with quic_bpf on, an Envoy QUIC listener) and keep HAProxy for TCP and HTTP/2, or accept that a network change costs a new handshake (0-RTT makes it cheaper)';

/** What the HAProxy version a config targets does with a client that moves (undefined: the current releases). */
export function migrationSupport(targetVersion?: string): MigrationSupport {
  const v = parseVersion(targetVersion);
  if (v && before(v, 2, 6)) {
    return {
      note: `HAProxy ${targetVersion} has no production QUIC (it arrived, experimental, in 2.6): these binds need 2.6 or later`,
      dropsNewPaths: `HAProxy ${targetVersion} cannot serve these QUIC binds at all`,
      advice: `upgrade to a release with QUIC; then: ${NO_DIRECTIVE}`,
    };
  }
  // 2.7.0 itself came before the backports: as 2.6
  if (v && ((v.major === 2 && v.minor === 6) || /^v?2\.7\.0$/.test(targetVersion ?? ''))) {
    return {
      note: `HAProxy ${targetVersion} has no migration handling: it keeps sending to the address the handshake came from, so a client that moves stops hearing from it`,
      dropsNewPaths: `HAProxy ${targetVersion} keeps answering the handshake address after the client moves`,
      advice: NO_DIRECTIVE,
    };
  }
  if (v && v.major === 2 && v.minor === 7) {
    return {
      note: 'HAProxy 2.7.0 has no migration handling, as 2.6; later 2.7 releases took 2.8\'s refusal (disable_active_migration, datagrams from a new address or port dropped). Either way a client that moves is lost; for 2.7 without a release number quiclens assumes the later behaviour',
      disabled: 'HAProxy 2.7 (later releases) sends disable_active_migration',
      dropsNewPaths: 'HAProxy drops datagrams from a new client address or port',
      advice: NO_DIRECTIVE,
    };
  }
  const which = v ? `HAProxy ${targetVersion}` : 'HAProxy (2.8 and later; name the version with --haproxy-version)';
  return {
    note: `${which} sends disable_active_migration and drops every datagram from a new client address or port, NAT rebinding included; it offers no preferred address`,
    disabled: `${which.replace(/ \(.*\)$/, '')} sends disable_active_migration`,
    dropsNewPaths: 'HAProxy drops datagrams from a new client address or port, so even a NAT rebinding ends the connection',
    advice: NO_DIRECTIVE,
  };
}

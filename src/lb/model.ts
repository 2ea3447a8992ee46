/**
 * The routing model every config reader produces: per QUIC listener, what the balancer
 * routes by and where it can send a packet. The verdicts and the capture replay read only
 * this, never a config's own syntax.
 */

/** What a balancer picks the backend by (design.md, `lb check --format json`). */
export type RoutingKey =
  | 'connection_id'
  | 'quic_lb_server_id'
  | 'source_address'
  | 'source_address_port'
  | 'four_tuple'
  | 'random';

export type Verdict = 'survives' | 'breaks' | 'conditional';

/** The three moves of RFC 9000 §9 a client's packets can make. */
export interface Verdicts {
  /** NAT rebinding: the client's port changes (§9.3) */
  portChange: Verdict;
  /** WiFi to LTE: the client's address changes (§9.2) */
  addressChange: Verdict;
  /** the client moves to the server's preferred address (§9.6) */
  preferredAddress: Verdict;
}

export type ConfigKind = 'nginx' | 'haproxy' | 'envoy' | 'kubernetes' | 'ipvs' | 'quic-lb';

export interface SourceLocation {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column?: number;
}

export interface Backend {
  /** as the config writes it: `10.0.0.1:4433`, `[2001:db8::1]:443`, `app-1:443` */
  address: string;
  weight: number;
  /** marked down in the config: it takes no packets, but still counts where a hash deals by weight (nginx `down`) */
  down?: boolean;
  /** QUIC-LB: the server ID this backend owns, lowercase hex */
  serverId?: string;
  /** where the config names it */
  location?: SourceLocation;
}

/**
 * How the backend follows from the key, where the balancer's algorithm is public, so a
 * replay can name the backend rather than only say that the key changed.
 */
export type BackendChoice =
  /** nginx `hash KEY` (ngx_stream_upstream_hash_module, Cache::Memcached compatible) */
  | { algorithm: 'nginx_hash'; key: string }
  /** nginx `hash KEY consistent` (ketama points) */
  | { algorithm: 'nginx_chash'; key: string }
  /** IPVS `sh`, by source address (and port with the sh-port flag) */
  | { algorithm: 'ipvs_sh'; port: boolean }
  /** IPVS `mh` (Maglev), by source address (and port with the mh-port flag) */
  | { algorithm: 'ipvs_mh'; port: boolean }
  /** QUIC-LB: the server ID decoded from the DCID */
  | { algorithm: 'quic_lb' }
  /** anything else: round robin, least connections, random, a hash we cannot reproduce */
  | { algorithm: 'opaque'; name: string };

/** A per-flow session or affinity entry that holds a client on its backend for a while. */
export interface StickyEntry {
  /** what the entry is keyed by */
  key: RoutingKey;
  /** idle seconds before it is forgotten, when the config (or the default) says */
  seconds?: number;
  /** where the number comes from: a directive, or "default" */
  source: string;
}

export interface QuicListener {
  location: SourceLocation;
  /** e.g. `nginx-stream-udp`, `nginx-http3`, `haproxy-quic`, `envoy-quic`, `envoy-udp-proxy`, `kubernetes-service`, `ipvs-udp`, `quic-lb` */
  kind: string;
  /** address:port the listener receives on */
  listen: string;
  routingKey: RoutingKey;
  backends: Backend[];
  choice: BackendChoice;
  /** the listener is itself the QUIC endpoint (it terminates QUIC) rather than forwarding UDP */
  terminates: boolean;
  /** a session or affinity entry that keeps a flow where it is (UDP proxy sessions, sessionAffinity) */
  sticky?: StickyEntry;
  /** the endpoint refuses migration (disable_active_migration, or it cannot migrate): a move fails whatever the routing */
  migrationDisabled?: string;
  /** the endpoint drops (or does not answer) packets from a client's new address or port, NAT rebinding included: why */
  dropsNewPaths?: string;
  /** every packet goes to one backend whatever the key (a fixed hash key): why */
  oneBackend?: string;
  /** the config itself says this UDP listener carries QUIC (a Service port named or with appProtocol quic/http3): where */
  saysQuic?: string;
  /** facts from the config that explain the key, in plain words */
  notes: string[];
  /** what to change so the listener routes by connection ID, with the directive to use; empty when nothing needs to */
  advice: string;
}

/** One config file as read: its kind, its QUIC listeners, what could not be read. */
export interface LbConfig {
  file: string;
  kind: ConfigKind;
  listeners: QuicListener[];
}

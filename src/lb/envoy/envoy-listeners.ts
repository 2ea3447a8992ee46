import { parseDuration } from '../duration.js';
import { listenAddress } from '../listen-address.js';
import type { Backend, LbConfig, QuicListener, RoutingKey, SourceLocation } from '../model.js';
import { asArray, asRecord, nonNegativeNumber, scalarText, readYamlMappings, type YamlDocument, type YamlPath } from '../yaml-documents.js';

/** the UDP proxy's session idle timeout when unset (udp_proxy.proto: idle_timeout, default 60 s) */
const DEFAULT_IDLE_TIMEOUT = 60;

const UDP_PROXY = 'envoy.filters.udp_listener.udp_proxy';
const QUIC_LB_GENERATOR = 'envoy.quic.connection_id_generator.quic_lb';

interface Cluster {
  name: string;
  lbPolicy: string;
  backends: Backend[];
}

function addressOf(sa: Record<string, unknown> | undefined): string | undefined {
  if (!sa) return undefined;
  const host = scalarText(sa.address) ?? '';
  // a port that is missing or not a scalar leaves the address without one, never `:undefined`
  const port = scalarText(sa.port_value ?? sa.portValue);
  const h = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

function clustersOf(doc: YamlDocument, root: Record<string, unknown>): Map<string, Cluster> {
  const out = new Map<string, Cluster>();
  asArray(asRecord(root.static_resources)?.clusters).forEach((c, ci) => {
    const cluster = asRecord(c);
    if (!cluster) return;
    const backends: Backend[] = [];
    asArray(asRecord(cluster.load_assignment)?.endpoints).forEach((group, gi) => {
      asArray(asRecord(group)?.lb_endpoints).forEach((e, ei) => {
        const ep = asRecord(e);
        const address = addressOf(asRecord(asRecord(asRecord(ep?.endpoint)?.address)?.socket_address));
        if (!address) return;
        const weight = nonNegativeNumber(asRecord(ep?.load_balancing_weight)?.value ?? ep?.load_balancing_weight) ?? 1;
        backends.push({ address, weight, location: doc.at(['static_resources', 'clusters', ci, 'load_assignment', 'endpoints', gi, 'lb_endpoints', ei]) });
      });
    });
    const name = scalarText(cluster.name) ?? '(unnamed)';
    out.set(name, { name, lbPolicy: scalarText(cluster.lb_policy) ?? 'ROUND_ROBIN', backends });
  });
  return out;
}

/** the cluster a UDP proxy sends to: `cluster`, or the matcher's default route (udp_proxy.proto) */
function proxyCluster(cfg: Record<string, unknown>): string | undefined {
  if (typeof cfg.cluster === 'string') return cfg.cluster;
  const onNoMatch = asRecord(asRecord(cfg.matcher)?.on_no_match);
  const route = asRecord(asRecord(onNoMatch?.action)?.typed_config);
  return typeof route?.cluster === 'string' ? route.cluster : undefined;
}

function udpProxyListener(
  base: { location: SourceLocation; listen: string },
  cfg: Record<string, unknown>,
  clusters: Map<string, Cluster>,
  at: (p: YamlPath) => SourceLocation,
): QuicListener {
  const clusterName = proxyCluster(cfg);
  const cluster = clusterName ? clusters.get(clusterName) : undefined;
  const notes: string[] = [`UDP proxy to cluster ${clusterName ?? '(none found)'}${cluster ? ` (lb_policy ${cluster.lbPolicy})` : ''}`];
  const idle = typeof cfg.idle_timeout === 'string' ? parseDuration(cfg.idle_timeout) : undefined;
  const sticky = {
    key: 'four_tuple' as const,
    seconds: idle ?? DEFAULT_IDLE_TIMEOUT,
    source: idle !== undefined ? `idle_timeout ${String(cfg.idle_timeout)} (line ${at(['idle_timeout']).line})` : 'idle_timeout default 60s',
  };
  const policies = asArray(cfg.hash_policies).map(asRecord);
  const hashing = cluster && ['RING_HASH', 'MAGLEV'].includes(cluster.lbPolicy);
  let routingKey: RoutingKey = 'four_tuple';
  let advice = '';
  let oneBackend: string | undefined;
  if (cfg.use_per_packet_load_balancing === true) {
    routingKey = 'random';
    notes.push('use_per_packet_load_balancing: every datagram is balanced on its own, so even a connection that never moves is spread over the hosts');
    advice = 'remove `use_per_packet_load_balancing`; ';
  } else if (policies.some((p) => p?.source_ip === true) && hashing) {
    routingKey = 'source_address';
    notes.push(`hash_policies source_ip with ${cluster.lbPolicy}: a client address keeps its host`);
  } else if (policies.some((p) => typeof p?.key === 'string') && hashing) {
    oneBackend = 'hash_policies key: one fixed key, so every session hashes to the same host';
  } else {
    if (policies.length > 0 && !hashing) notes.push(`hash_policies are ignored by lb_policy ${cluster?.lbPolicy ?? 'ROUND_ROBIN'}: only RING_HASH and MAGLEV hash`);
    notes.push('each new session (a new client address and port) is balanced afresh');
  }
  if (!oneBackend) {
    advice +=
      'the UDP proxy does not read QUIC connection IDs; `hash_policies: [{source_ip: true}]` with `lb_policy: MAGLEV` keeps a port change on its host, and only a QUIC-aware balancer (QUIC-LB) keeps an address change.';
  }
  return {
    ...base,
    kind: 'envoy-udp-proxy',
    routingKey,
    backends: cluster?.backends ?? [],
    choice: { algorithm: 'opaque', name: cluster?.lbPolicy.toLowerCase() ?? 'round_robin' },
    terminates: false,
    sticky,
    ...(oneBackend ? { oneBackend } : {}),
    notes,
    advice,
  };
}

function quicListener(base: { location: SourceLocation; listen: string }, listener: Record<string, unknown>, quic: Record<string, unknown>): QuicListener {
  const generator = asRecord(quic.connection_id_generator_config);
  const reuse = listener.enable_reuse_port ?? listener.reuse_port;
  const notes: string[] = [];
  let routingKey: RoutingKey = 'connection_id';
  if (generator?.name === QUIC_LB_GENERATOR) {
    routingKey = 'quic_lb_server_id';
    notes.push('connection IDs carry a QUIC-LB server ID, so a QUIC-LB balancer in front can route them');
  }
  if (reuse === false) {
    notes.push('enable_reuse_port false: one socket for all workers, and Envoy hands each packet to the worker that owns its connection ID');
  } else {
    notes.push('reuse_port (the default on Linux): Envoy attaches a BPF program that picks the worker from the connection ID, which its CIDs encode');
  }
  // QuicProtocolOptions.send_disable_active_migration (Envoy 1.30+, default false)
  const disabled = quic.send_disable_active_migration === true;
  return {
    ...base,
    kind: 'envoy-quic',
    routingKey,
    backends: [],
    choice: { algorithm: 'opaque', name: 'worker' },
    terminates: true,
    ...(disabled ? { migrationDisabled: 'quic_options.send_disable_active_migration: true tells clients not to migrate' } : {}),
    notes,
    advice: disabled ? 'remove `send_disable_active_migration: true` from quic_options (or set it false) so that clients may move' : '',
  };
}

/** An Envoy bootstrap (YAML or JSON) as its UDP listeners: QUIC terminators and UDP proxies. */
export function readEnvoy(file: string, text: string): LbConfig {
  const listeners: QuicListener[] = [];
  for (const { doc, root } of readYamlMappings(file, text, 'an Envoy bootstrap (a YAML or JSON mapping with static_resources)')) {
    const clusters = clustersOf(doc, root);
    asArray(asRecord(root.static_resources)?.listeners).forEach((l, li) => {
      const listener = asRecord(l);
      const sa = asRecord(asRecord(listener?.address)?.socket_address);
      if (!listener || (scalarText(sa?.protocol) ?? 'TCP').toUpperCase() !== 'UDP') return;
      const path = ['static_resources', 'listeners', li];
      const base = { location: doc.at(path), listen: listenAddress(addressOf(sa) ?? '') ?? '' };
      const quic = asRecord(asRecord(listener.udp_listener_config)?.quic_options);
      if (quic || 'quic_options' in (asRecord(listener.udp_listener_config) ?? {})) {
        listeners.push(quicListener(base, listener, quic ?? {}));
        return;
      }
      asArray(listener.listener_filters).forEach((f, fi) => {
        const filter = asRecord(f);
        if (filter?.name !== UDP_PROXY) return;
        const cfg = asRecord(filter.typed_config) ?? {};
        const cfgPath = [...path, 'listener_filters', fi, 'typed_config'];
        listeners.push(udpProxyListener(base, cfg, clusters, (p) => doc.at([...cfgPath, ...p])));
      });
    });
  }
  return { file, kind: 'envoy', listeners };
}

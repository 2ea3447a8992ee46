import type { LbConfig, QuicListener } from '../model.js';
import { asArray, asRecord, nonNegativeNumber, readYamlMappings, scalarText, type YamlDocument } from '../yaml-documents.js';

/** sessionAffinityConfig.clientIP.timeoutSeconds when unset: 3 hours (core/v1 Service) */
const DEFAULT_AFFINITY_SECONDS = 10800;
/** nf_conntrack_udp_timeout_stream: how long an assured UDP flow's entry outlives its last packet */
const CONNTRACK_UDP_STREAM_SECONDS = 120;

function serviceListeners(doc: YamlDocument, svc: Record<string, unknown>, path: (string | number)[]): QuicListener[] {
  const meta = asRecord(svc.metadata);
  const spec = asRecord(svc.spec) ?? {};
  const namespace = scalarText(meta?.namespace);
  const name = `${namespace ? `${namespace}/` : ''}${scalarText(meta?.name) ?? '(unnamed)'}`;
  const affinity = spec.sessionAffinity === 'ClientIP';
  // a timeout that is not a number of seconds is as good as unset: the API server would refuse it
  const seconds = nonNegativeNumber(asRecord(asRecord(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds) ?? DEFAULT_AFFINITY_SECONDS;
  const type = scalarText(spec.type) ?? 'ClusterIP';
  const selector = asRecord(spec.selector);
  const out: QuicListener[] = [];
  asArray(spec.ports).forEach((p, pi) => {
    const port = asRecord(p);
    if (!port || (scalarText(port.protocol) ?? 'TCP').toUpperCase() !== 'UDP') return;
    const number = scalarText(port.port) ?? '(no port)';
    const target = scalarText(port.targetPort) ?? number;
    const notes = [
      `Service ${name} (${type}), UDP port ${number} → targetPort ${target}`,
      selector ? `endpoints: the pods matching ${Object.entries(selector).map(([k, v]) => `${k}=${scalarText(v) ?? '?'}`).join(', ')}` : 'endpoints: whatever EndpointSlices name',
      'kube-proxy (iptables, nftables or ipvs mode) picks an endpoint for each new conntrack flow; a flow is the 4-tuple',
    ];
    if (type === 'LoadBalancer' || type === 'NodePort') {
      notes.push(
        spec.externalTrafficPolicy === 'Local'
          ? 'externalTrafficPolicy Local: the client address is kept, but only pods on the receiving node serve it, so the cloud balancer in front decides too'
          : 'externalTrafficPolicy Cluster (the default): traffic arriving at a node may be SNATed to another node, and the pod sees a node address',
      );
    }
    const location = doc.at([...path, 'spec', 'ports', pi]);
    // a port's name or appProtocol may say what it carries, whatever its number
    const label = [port.name, port.appProtocol].find((v) => typeof v === 'string' && /quic|http3|(^|[^a-z0-9])h3([^a-z0-9]|$)/i.test(v));
    out.push({
      ...(label !== undefined ? { saysQuic: `the port is labelled '${String(label)}'` } : {}),
      location,
      kind: 'kubernetes-service',
      listen: `${name}:${number}`,
      routingKey: affinity ? 'source_address' : 'four_tuple',
      backends: [],
      choice: { algorithm: 'opaque', name: affinity ? 'client_ip_affinity' : 'random' },
      terminates: false,
      sticky: affinity
        ? { key: 'source_address', seconds, source: 'sessionAffinity ClientIP' }
        : { key: 'four_tuple', seconds: CONNTRACK_UDP_STREAM_SECONDS, source: 'the conntrack entry (nf_conntrack_udp_timeout_stream)' },
      notes: affinity ? [...notes, `sessionAffinity ClientIP for ${seconds} s: a client address keeps its pod while the entry lives`] : notes,
      advice: affinity
        ? 'a Service cannot route by QUIC connection ID: an address change reaches another pod; terminate QUIC in an ingress or gateway that routes by connection ID (QUIC-LB), or run one pod'
        : '`sessionAffinity: ClientIP` keeps a port change (NAT rebinding) on its pod while the affinity entry lives; a Service cannot route by QUIC connection ID, so an address change still moves the client',
    });
  });
  return out;
}

/** Kubernetes manifests (one or many documents, `List`s too): their Services' UDP ports. */
export function readKubernetes(file: string, text: string): LbConfig {
  const listeners: QuicListener[] = [];
  const manifests = readYamlMappings(file, text, 'Kubernetes manifests (documents with apiVersion and kind, such as a Service)', (root) => typeof root.kind === 'string');
  for (const { doc, root } of manifests) {
    if (root.kind === 'Service') for (const l of serviceListeners(doc, root, [])) listeners.push(l);
    else if (root.kind === 'List') {
      asArray(root.items).forEach((item, i) => {
        const r = asRecord(item);
        if (r?.kind === 'Service') for (const l of serviceListeners(doc, r, ['items', i])) listeners.push(l);
      });
    }
  }
  return { file, kind: 'kubernetes', listeners };
}

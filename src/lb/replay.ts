import type { PacketRecord } from '../analysis/packet-record.js';
import { formatEndpoint, type Endpoint } from '../capture/types.js';
import { hostOf, portOf } from './listen-address.js';
import type { QuicListener } from './model.js';
import { backendPicker, hasAddresses, type Pick, type RoutedPacket } from './pick-backend.js';

/** One connection's packets as the balancer would have routed them. */
export interface ConnectionReplay {
  id: number;
  /** the listener the client's packets reached */
  listen: string;
  /** the backends in the order the connection's packets reached them; empty when the algorithm is not public */
  backends: string[];
  /** the routing key's values, in order: what the balancer saw change */
  keys: string[];
  packets: number;
  /** the first client packet that would reach a different backend (or, where the backend cannot be computed, carry a different key) than the connection's first */
  firstMovedFrame: number | null;
  /** what the moved packet changed, in plain words */
  moved?: string;
  /** packets whose backend could not be found (a CID no QUIC-LB config decodes, say), with why */
  unroutable: { frame: number; reason: string }[];
}

interface State {
  replay: ConnectionReplay;
  firstBackend: string | null;
  firstKey: string;
  src: Endpoint;
  /** the server side the connection's first client packet went to: on a capture from a balancer, the other legs are not the client's */
  server: string;
}

function matches(listen: string, dst: Endpoint): boolean {
  const host = hostOf(listen);
  return portOf(listen) === dst.port && (host === '0.0.0.0' || host === '::' || host === dst.ip || !/^[0-9.:a-f]+$/i.test(host));
}

/**
 * Replays a capture's client packets through the listeners: which backend each would reach,
 * and the first that would reach another than its connection's first. The capture's server
 * port may differ from the config's (a lab capture against a production config): with one
 * listener, every client packet goes through it.
 */
export class LbReplay {
  private readonly pickers: { listener: QuicListener; pick: (p: RoutedPacket) => Pick }[];
  /** client packets that reached a listener's address */
  private readonly matched = new Map<number, State>();
  /** every client packet through the only listener, used when none reached its port */
  private readonly through = new Map<number, State>();

  constructor(listeners: readonly QuicListener[]) {
    this.pickers = listeners.map((listener) => ({ listener, pick: backendPicker(listener) }));
  }

  /** routes one packet; returns where a client packet went, null for the server's packets and packets to no listener */
  observe(p: PacketRecord): Pick | null {
    // a packet without addresses (from a qlog) cannot be routed
    if (p.direction !== 'client' || !hasAddresses(p)) return null;
    const hit = this.pickers.find((x) => matches(x.listener.listen, p.dst));
    if (hit) return this.route(this.matched, hit, p);
    if (this.pickers.length === 1 && this.matched.size === 0) {
      // standing in for the capture's own port, the listener takes the client's first leg only:
      // a capture taken on a balancer shows the balancer's own flows to its backends too
      const known = this.through.get(p.connection.id);
      if (known && known.server !== formatEndpoint(p.dst)) return null;
      return this.route(this.through, this.pickers[0]!, p);
    }
    return null;
  }

  /** whether the capture's server port matched no listener, so the only listener stood in */
  get portsDiffered(): boolean {
    return this.matched.size === 0 && this.through.size > 0;
  }

  private route(states: Map<number, State>, x: { listener: QuicListener; pick: (p: RoutedPacket) => Pick }, p: RoutedPacket): Pick {
    const picked = x.pick(p);
    let s = states.get(p.connection.id);
    if (!s) {
      s = {
        replay: { id: p.connection.id, listen: x.listener.listen, backends: [], keys: [], packets: 0, firstMovedFrame: null, unroutable: [] },
        firstBackend: picked.backend,
        firstKey: picked.key,
        src: { ...p.src },
        server: formatEndpoint(p.dst),
      };
      states.set(p.connection.id, s);
    }
    const r = s.replay;
    r.packets++;
    // bounded: a connection that moves on every packet (random routing) lists its first few
    if (picked.backend !== null && !r.backends.includes(picked.backend) && r.backends.length < 64) r.backends.push(picked.backend);
    if (!r.keys.includes(picked.key) && r.keys.length < 64) r.keys.push(picked.key);
    if (picked.unroutable && r.unroutable.length < 20) r.unroutable.push({ frame: p.frame, reason: picked.unroutable });
    if (r.firstMovedFrame !== null) return picked;
    // the first packets may have no computable backend (QUIC-LB's fallback for client-chosen CIDs)
    if (s.firstBackend === null && picked.backend !== null && r.backends.length === 1) {
      s.firstBackend = picked.backend;
      s.firstKey = picked.key;
      return picked;
    }
    const computed = picked.backend !== null && s.firstBackend !== null;
    // with a public algorithm only the backend counts; a QUIC-LB balancer's key changes from
    // the client's own first DCID to the server's CIDs by design, so only a backend moves it
    const moved = computed ? picked.backend !== s.firstBackend : x.listener.choice.algorithm !== 'quic_lb' && picked.key !== s.firstKey;
    if (moved) {
      r.firstMovedFrame = p.frame;
      const clientMoved = formatEndpoint(s.src) !== formatEndpoint(p.src);
      const from = clientMoved ? `the client moved (${formatEndpoint(s.src)} → ${formatEndpoint(p.src)})` : 'the client did not move';
      r.moved = computed
        ? `${from} and the packet would reach ${picked.backend} instead of ${s.firstBackend}`
        : `${from}: the routing key changed from ${s.firstKey} to ${picked.key}`;
    }
    return picked;
  }

  result(): ConnectionReplay[] {
    const states = this.matched.size > 0 ? this.matched : this.through;
    return [...states.values()].map((s) => s.replay).sort((a, b) => a.id - b.id);
  }
}

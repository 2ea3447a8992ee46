import type {
  QlogAlpnInformationEvent,
  QlogConnectionClosedEvent,
  QlogConnectionIdUpdatedEvent,
  QlogConnectionStartedEvent,
  QlogEvent,
  QlogEventBase,
  QlogKeyUpdatedEvent,
  QlogMigrationEvent,
  QlogOtherEvent,
  QlogMetricsUpdatedEvent,
  QlogPacketDroppedEvent,
  QlogPacketEvent,
  QlogPacketLostEvent,
  QlogParametersSetEvent,
  QlogPathUpdatedEvent,
  QlogVersionInformationEvent,
} from './qlog-events.js';
import {
  alpnOf,
  alpnsOf,
  endpointOf,
  flatEndpoint,
  hexOf,
  integer,
  isObject,
  normaliseFrame,
  ownerOf,
  packetTypeOf,
  text,
  versionOf,
  versionsOf,
  type JsonObject,
} from './qlog-values.js';
import { numeric } from './qlog-time.js';

/**
 * Event names → our kinds. qlog named QUIC events `category:event` with categories
 * transport, connectivity and security up to quic-events-08, then put them all in the
 * `quic` namespace (quic-events-09, "Removed individual categories"); draft-00/01 wrote
 * them in capitals and used older verbs (connection_new, connection_id_update, ALPN_update,
 * key_update). A name maps by its event part, but only in these namespaces: `http:` and
 * `recovery:` have events called parameters_set too, and those are not QUIC's.
 */
const QUIC_NAMESPACES = new Set(['', 'quic', 'transport', 'connectivity', 'security']);

type Kind = Exclude<QlogEvent['kind'], 'other'>;

// a Map, not an object: a name like `constructor` or `__proto__` must not find Object's members
const KINDS = new Map<string, Kind>(Object.entries({
  packet_sent: 'packet_sent',
  packet_received: 'packet_received',
  parameters_set: 'parameters_set',
  transport_parameters_update: 'parameters_set',
  connection_started: 'connection_started',
  connection_new: 'connection_started',
  connection_id_updated: 'connection_id_updated',
  connection_id_update: 'connection_id_updated',
  key_updated: 'key_updated',
  key_update: 'key_updated',
  tuple_assigned: 'path_updated',
  path_assigned: 'path_updated',
  migration_state_updated: 'migration',
  connection_closed: 'connection_closed',
  connection_close: 'connection_closed',
  version_information: 'version_information',
  version_update: 'version_information',
  alpn_information: 'alpn_information',
  alpn_update: 'alpn_information',
} satisfies Record<string, Kind>));

/**
 * Loss recovery events (quic-events §Recovery events). Until quic-events-08 they sat in the
 * `recovery` namespace (`metric_update` in draft-00/01); quic-events-09 moved them to `quic`,
 * renaming metrics_updated to recovery_metrics_updated. packet_dropped is a transport event.
 */
const RECOVERY_KINDS = new Map<string, Map<string, Kind>>([
  ['recovery', new Map<string, Kind>([['packet_lost', 'packet_lost'], ['metrics_updated', 'metrics_updated'], ['metric_update', 'metrics_updated']])],
  ['quic', new Map<string, Kind>([['packet_lost', 'packet_lost'], ['recovery_metrics_updated', 'metrics_updated'], ['packet_dropped', 'packet_dropped']])],
  ['transport', new Map<string, Kind>([['packet_dropped', 'packet_dropped']])],
  ['', new Map<string, Kind>([['packet_lost', 'packet_lost'], ['metrics_updated', 'metrics_updated'], ['metric_update', 'metrics_updated'], ['recovery_metrics_updated', 'metrics_updated'], ['packet_dropped', 'packet_dropped']])],
]);

/**
 * Our own exporter's path change (src/qlog/write-qlog.ts): qlog 0.3 has no path event, so
 * it writes one in a `quiclens:` namespace.
 */
const QUICLENS_PATH_CHANGED = 'quiclens:path_changed';

export function kindOfName(name: string): Kind | 'other' {
  const lower = name.trim().toLowerCase();
  if (lower === QUICLENS_PATH_CHANGED) return 'path_updated';
  const colon = lower.indexOf(':');
  const namespace = colon < 0 ? '' : lower.slice(0, colon);
  const event = colon < 0 ? lower : lower.slice(colon + 1);
  const recovery = RECOVERY_KINDS.get(namespace)?.get(event);
  if (recovery) return recovery;
  if (!QUIC_NAMESPACES.has(namespace)) return 'other';
  return KINDS.get(event) ?? 'other';
}

/** Sets a field only when it has a value, so events compare and print as written. */
function set<T extends object, K extends keyof T>(o: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) o[key] = value;
}

/**
 * A new event with the fields every kind has. Built field by field rather than by spreading
 * `base`: V8 spreads objects far more slowly, and a qlog can hold millions of events.
 */
function start<E extends QlogEvent>(base: QlogEventBase, kind: E['kind']): E {
  const e = { trace: base.trace, timeMs: base.timeMs, name: base.name, position: base.position, kind } as E;
  set(e, 'groupId', base.groupId);
  set(e, 'pathId', base.pathId);
  return e;
}

/** 1 or 0 from a key phase bit written as a boolean, a number or "0"/"1" (quic-go) */
function keyPhaseBit(header: JsonObject): 0 | 1 | undefined {
  const bit = header.key_phase_bit;
  if (typeof bit === 'boolean') return bit ? 1 : 0;
  const n = numeric(bit);
  if (n === 0 || n === 1) return n;
  // quic-events-12 on: the full key phase, whose low bit is the header's bit
  const phase = integer(header.key_phase);
  return phase === undefined ? undefined : ((phase % 2) as 0 | 1);
}

/**
 * quic-events §packet_sent: the header in `data.header`. Before 0.3 (draft-01/02, and
 * quic-go until 2021) packet_type sat in `data` next to the header, and the size was
 * `header.packet_size`; since 0.3 it is `raw.length`. `header.length` is not the packet's
 * size: it is the Length field (packet number and payload) of long headers.
 */
function packetEvent(base: QlogEventBase, kind: QlogPacketEvent['kind'], data: JsonObject): QlogPacketEvent {
  const header = isObject(data.header) ? data.header : {};
  const raw = isObject(data.raw) ? data.raw : {};
  const e = start<QlogPacketEvent>(base, kind);
  e.packetType = packetTypeOf(header.packet_type ?? data.packet_type);
  e.packetNumber = integer(header.packet_number ?? data.packet_number) ?? null;
  set(e, 'version', versionOf(header.version));
  set(e, 'dcid', hexOf(header.dcid));
  set(e, 'scid', hexOf(header.scid));
  // ngtcp2 0.12 logs a Retry's token as `retry_token` beside the header
  set(e, 'token', hexOf(header.token ?? data.retry_token));
  set(e, 'keyPhase', keyPhaseBit(header));
  set(e, 'length', integer(raw.length) ?? integer(header.packet_size) ?? integer(data.packet_size));
  set(e, 'supportedVersions', versionsOf(data.supported_versions ?? header.supported_versions));
  if (Array.isArray(data.frames)) e.frames = data.frames.map(normaliseFrame);
  return e;
}

/**
 * quic-events §packet_lost: the header (0.3 on) or, before 0.3, packet_type and
 * packet_number beside it; draft-00 writers logged the number alone.
 */
function packetLostEvent(base: QlogEventBase, data: JsonObject): QlogPacketLostEvent {
  const header = isObject(data.header) ? data.header : {};
  const e = start<QlogPacketLostEvent>(base, 'packet_lost');
  e.packetType = packetTypeOf(header.packet_type ?? data.packet_type);
  e.packetNumber = integer(header.packet_number ?? data.packet_number) ?? null;
  set(e, 'trigger', text(data.trigger));
  if (Array.isArray(data.frames)) e.frames = data.frames.map(normaliseFrame);
  return e;
}

/** a duration in ms from the trace's unit (draft-00/01 time_units), or undefined when not a number */
function durationMs(v: unknown, unitMs: number): number | undefined {
  const n = numeric(v);
  if (n === undefined || n < 0) return undefined;
  // 124204 us / 1000 is 124.204 exactly as a double; 124204 * 0.001 is not
  return unitMs < 1 ? n / Math.round(1 / unitMs) : n * unitMs;
}

/** a count (bytes, packets) that must be a non-negative number */
function amount(v: unknown): number | undefined {
  const n = numeric(v);
  return n === undefined || n < 0 ? undefined : n;
}

/**
 * quic-events §recovery_metrics_updated. draft-00/01 writers (quicker, quictrace-to-qlog)
 * wrote the window as `cwnd`; every later version as `congestion_window`.
 */
function metricsEvent(base: QlogEventBase, data: JsonObject): QlogMetricsUpdatedEvent {
  const unit = base.trace.timeUnitMs ?? 1;
  const e = start<QlogMetricsUpdatedEvent>(base, 'metrics_updated');
  set(e, 'minRttMs', durationMs(data.min_rtt, unit));
  set(e, 'smoothedRttMs', durationMs(data.smoothed_rtt, unit));
  set(e, 'latestRttMs', durationMs(data.latest_rtt, unit));
  set(e, 'rttVarianceMs', durationMs(data.rtt_variance, unit));
  set(e, 'congestionWindow', amount(data.congestion_window ?? data.cwnd));
  set(e, 'bytesInFlight', amount(data.bytes_in_flight));
  set(e, 'ssthresh', amount(data.ssthresh));
  set(e, 'packetsInFlight', amount(data.packets_in_flight));
  set(e, 'ptoCount', amount(data.pto_count));
  set(e, 'pacingRate', amount(data.pacing_rate));
  return e;
}

/**
 * quic-events §packet_dropped: the header when the writer could read one, the size as
 * `raw.length` (0.3 on) or `packet_size` (draft-01), and the trigger.
 */
function packetDroppedEvent(base: QlogEventBase, data: JsonObject): QlogPacketDroppedEvent {
  const header = isObject(data.header) ? data.header : {};
  const raw = isObject(data.raw) ? data.raw : {};
  const e = start<QlogPacketDroppedEvent>(base, 'packet_dropped');
  e.packetType = packetTypeOf(header.packet_type ?? data.packet_type);
  e.packetNumber = integer(header.packet_number ?? data.packet_number) ?? null;
  set(e, 'length', integer(raw.length) ?? integer(data.packet_size) ?? integer(header.packet_size));
  e.trigger = text(data.trigger) ?? 'unknown';
  return e;
}

/** A string or a number, as error codes and names come. */
const codeOf = (v: unknown): string | number | undefined => (typeof v === 'string' || typeof v === 'number' ? v : undefined);

/** a tuple or path ID: any string, "" included (the connection's first path) */
const idOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * One event in our shape, from its name and data in any qlog version. `base` carries what
 * every event has (trace, time, name, position).
 */
export function normaliseEvent(base: QlogEventBase, data: JsonObject): QlogEvent {
  const kind = kindOfName(base.name);
  switch (kind) {
    case 'packet_sent':
    case 'packet_received':
      return packetEvent(base, kind, data);
    case 'parameters_set': {
      const { owner, initiator, ...params } = data;
      const e = start<QlogParametersSetEvent>(base, kind);
      set(e, 'owner', ownerOf(owner ?? initiator));
      e.params = params;
      return e;
    }
    case 'connection_started': {
      const e = start<QlogConnectionStartedEvent>(base, kind);
      // quic-events-10 on: `local` and `remote` TupleEndpointInfo; before, flat src_/dst_ fields
      set(e, 'src', endpointOf(data.local) ?? flatEndpoint(data.src_ip, data.src_port));
      set(e, 'dst', endpointOf(data.remote) ?? flatEndpoint(data.dst_ip, data.dst_port));
      set(e, 'srcCid', hexOf(data.src_cid));
      set(e, 'dstCid', hexOf(data.dst_cid));
      set(e, 'version', versionOf(data.quic_version ?? data.version));
      return e;
    }
    case 'connection_id_updated': {
      // pcap2qlog (draft-01) wrote src_old/src_new for the vantage point's own CID and
      // dst_old/dst_new for its peer's, where later drafts have an owner and old/new
      const ownSide = data.src_new !== undefined || data.src_old !== undefined;
      const peerSide = data.dst_new !== undefined || data.dst_old !== undefined;
      const e = start<QlogConnectionIdUpdatedEvent>(base, kind);
      set(e, 'owner', ownerOf(data.owner ?? data.initiator) ?? (ownSide ? 'local' : peerSide ? 'remote' : undefined));
      set(e, 'old', hexOf(data.old ?? data.src_old ?? data.dst_old));
      set(e, 'new', hexOf(data.new ?? data.src_new ?? data.dst_new));
      return e;
    }
    case 'key_updated': {
      const e = start<QlogKeyUpdatedEvent>(base, kind);
      set(e, 'keyType', text(data.key_type));
      set(e, 'keyPhase', integer(data.key_phase ?? data.generation));
      set(e, 'trigger', text(data.trigger));
      return e;
    }
    case 'path_updated': {
      const e = start<QlogPathUpdatedEvent>(base, kind);
      if (base.name.trim().toLowerCase() === QUICLENS_PATH_CHANGED) {
        set(e, 'oldText', text(data.old));
        set(e, 'newText', text(data.new));
        return e;
      }
      set(e, 'pathId', idOf(data.tuple_id ?? data.path_id));
      set(e, 'local', endpointOf(data.tuple_local ?? data.path_local));
      set(e, 'remote', endpointOf(data.tuple_remote ?? data.path_remote));
      return e;
    }
    case 'migration': {
      const e = start<QlogMigrationEvent>(base, kind);
      set(e, 'old', text(data.old));
      set(e, 'new', text(data.new));
      set(e, 'pathId', idOf(data.tuple_id ?? data.path_id));
      set(e, 'local', endpointOf(data.tuple_local ?? data.path_local));
      set(e, 'remote', endpointOf(data.tuple_remote ?? data.path_remote));
      return e;
    }
    case 'connection_closed': {
      const e = start<QlogConnectionClosedEvent>(base, kind);
      set(e, 'owner', ownerOf(data.owner ?? data.initiator));
      set(e, 'connectionError', codeOf(data.connection_error ?? data.connection_code));
      set(e, 'applicationError', codeOf(data.application_error ?? data.application_code));
      set(e, 'errorCode', integer(data.error_code));
      set(e, 'reason', text(data.reason));
      set(e, 'trigger', text(data.trigger));
      return e;
    }
    case 'version_information': {
      const e = start<QlogVersionInformationEvent>(base, kind);
      set(e, 'clientVersions', versionsOf(data.client_versions));
      set(e, 'serverVersions', versionsOf(data.server_versions));
      // draft-00/01 version_update logged {old, new}
      set(e, 'chosenVersion', versionOf(data.chosen_version ?? data.new));
      return e;
    }
    case 'alpn_information': {
      const e = start<QlogAlpnInformationEvent>(base, kind);
      set(e, 'clientAlpns', alpnsOf(data.client_alpns));
      set(e, 'serverAlpns', alpnsOf(data.server_alpns));
      // draft-01's ALPN_update logged {old, new}, draft-00's {alpn}; an empty string is none
      const chosen = alpnOf(data.chosen_alpn ?? data.new ?? data.alpn);
      if (chosen !== '') set(e, 'chosenAlpn', chosen);
      return e;
    }
    case 'packet_lost':
      return packetLostEvent(base, data);
    case 'metrics_updated':
      return metricsEvent(base, data);
    case 'packet_dropped':
      return packetDroppedEvent(base, data);
    case 'other': {
      const e = start<QlogOtherEvent>(base, kind);
      e.data = data;
      return e;
    }
  }
}

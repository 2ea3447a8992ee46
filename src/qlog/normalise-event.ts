import type { QlogEvent, QlogEventBase, QlogPacketEvent } from './qlog-events.js';
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

const KINDS: Record<string, Kind> = {
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
};

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
  if (!QUIC_NAMESPACES.has(namespace)) return 'other';
  return KINDS[event] ?? 'other';
}

/** Undefined-valued fields are left out, so events compare and print as written. */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
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
  const pn = header.packet_number ?? data.packet_number;
  const frames = Array.isArray(data.frames) ? data.frames.map(normaliseFrame) : undefined;
  return defined<QlogPacketEvent>({
    ...base,
    kind,
    packetType: packetTypeOf(header.packet_type ?? data.packet_type),
    packetNumber: integer(pn) ?? null,
    version: versionOf(header.version),
    dcid: hexOf(header.dcid),
    scid: hexOf(header.scid),
    // ngtcp2 0.12 logs a Retry's token as `retry_token` beside the header
    token: hexOf(header.token ?? data.retry_token),
    keyPhase: keyPhaseBit(header),
    length: integer(raw.length) ?? integer(header.packet_size) ?? integer(data.packet_size),
    supportedVersions: versionsOf(data.supported_versions ?? header.supported_versions),
    frames,
  });
}

/** A string or a number, as error codes and names come. */
const codeOf = (v: unknown): string | number | undefined => (typeof v === 'string' || typeof v === 'number' ? v : undefined);

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
      return defined({ ...base, kind, owner: ownerOf(owner ?? initiator), params });
    }
    case 'connection_started': {
      // quic-events-10 on: `local` and `remote` TupleEndpointInfo; before, flat src_/dst_ fields
      const src = endpointOf(data.local) ?? flatEndpoint(data.src_ip, data.src_port);
      const dst = endpointOf(data.remote) ?? flatEndpoint(data.dst_ip, data.dst_port);
      return defined({
        ...base,
        kind,
        src,
        dst,
        srcCid: hexOf(data.src_cid),
        dstCid: hexOf(data.dst_cid),
        version: versionOf(data.quic_version ?? data.version),
      });
    }
    case 'connection_id_updated': {
      // pcap2qlog (draft-01) wrote src_old/src_new for the vantage point's own CID and
      // dst_old/dst_new for its peer's, where later drafts have an owner and old/new
      const ownSide = data.src_new !== undefined || data.src_old !== undefined;
      const peerSide = data.dst_new !== undefined || data.dst_old !== undefined;
      const owner = ownerOf(data.owner ?? data.initiator) ?? (ownSide ? 'local' : peerSide ? 'remote' : undefined);
      return defined({
        ...base,
        kind,
        owner,
        old: hexOf(data.old ?? data.src_old ?? data.dst_old),
        new: hexOf(data.new ?? data.src_new ?? data.dst_new),
      });
    }
    case 'key_updated':
      return defined({
        ...base,
        kind,
        keyType: text(data.key_type),
        keyPhase: integer(data.key_phase ?? data.generation),
        trigger: text(data.trigger),
      });
    case 'path_updated': {
      if (base.name.trim().toLowerCase() === QUICLENS_PATH_CHANGED) {
        return defined({ ...base, kind, oldText: text(data.old), newText: text(data.new) });
      }
      const id = data.tuple_id ?? data.path_id;
      return defined({
        ...base,
        kind,
        pathId: typeof id === 'string' || typeof id === 'number' ? String(id) : base.pathId,
        local: endpointOf(data.tuple_local ?? data.path_local),
        remote: endpointOf(data.tuple_remote ?? data.path_remote),
      });
    }
    case 'migration': {
      const id = data.tuple_id ?? data.path_id;
      return defined({
        ...base,
        kind,
        old: text(data.old),
        new: text(data.new),
        pathId: typeof id === 'string' || typeof id === 'number' ? String(id) : base.pathId,
        local: endpointOf(data.tuple_local ?? data.path_local),
        remote: endpointOf(data.tuple_remote ?? data.path_remote),
      });
    }
    case 'connection_closed':
      return defined({
        ...base,
        kind,
        owner: ownerOf(data.owner ?? data.initiator),
        connectionError: codeOf(data.connection_error ?? data.connection_code),
        applicationError: codeOf(data.application_error ?? data.application_code),
        errorCode: integer(data.error_code),
        reason: text(data.reason),
        trigger: text(data.trigger),
      });
    case 'version_information':
      return defined({
        ...base,
        kind,
        clientVersions: versionsOf(data.client_versions),
        serverVersions: versionsOf(data.server_versions),
        // draft-00/01 version_update logged {old, new}
        chosenVersion: versionOf(data.chosen_version ?? data.new),
      });
    case 'alpn_information': {
      // draft-01's ALPN_update logged {old, new}, draft-00's {alpn}; an empty string is none
      const chosen = alpnOf(data.chosen_alpn ?? data.new ?? data.alpn);
      return defined({
        ...base,
        kind,
        clientAlpns: alpnsOf(data.client_alpns),
        serverAlpns: alpnsOf(data.server_alpns),
        chosenAlpn: chosen === '' ? undefined : chosen,
      });
    }
    case 'other':
      return { ...base, kind, data };
  }
}

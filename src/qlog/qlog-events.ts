import type { PacketType } from '../quic/packet-header.js';
import type { InputIssue } from '../wire/input-issue.js';

/**
 * The normalised view of a qlog file, whichever writer and schema version produced it.
 *
 * qlog has changed shape several times: draft-00 and draft-01 (draft-marx-qlog-main-schema)
 * put events in arrays whose columns `event_fields` names; draft-02 and 0.3
 * (draft-ietf-quic-qlog-main-schema-01 to -05) use `{time, name, data}` objects with
 * `category:event` names; the newer IETF drafts (qlog_version 0.4 from main-schema-06, a
 * `file_schema` URN from -09, a reference time object from -10) moved every QUIC event into
 * the `quic:` namespace (quic-events-09). Readers of this module's output never need to know
 * which one a file used.
 */

/**
 * Which schema a trace was written in. 'ietf' covers every file with a `file_schema` URN
 * or a qlog_version of 0.4 or later (including quic-go's header, which carries both the
 * URN and qlog_version 0.3 for qvis); 'unknown' is a JSON-SEQ file whose header is missing.
 */
export type QlogFormat = 'draft-00' | 'draft-01' | 'draft-02' | '0.3' | 'ietf' | 'unknown';

/** RFC 7464 JSON text sequences (or their newline-delimited predecessor), or one JSON document */
export type QlogSerialization = 'json' | 'json-seq';

/** main-schema §VantagePoint: who wrote the trace */
export type QlogVantage = 'client' | 'server' | 'network' | 'unknown';

/** One trace's header: where it came from and how its times read. Shared by all its events. */
export interface QlogTrace {
  file: string;
  /** 0-based position of the trace in its file (JSON-SEQ files hold exactly one) */
  index: number;
  format: QlogFormat;
  serialization: QlogSerialization;
  /** the file's `qlog_version`, as written, when it has one */
  qlogVersion?: string;
  vantage: QlogVantage;
  /** vantage_point.name, e.g. "ngtcp2" */
  vantageName?: string;
  /**
   * For a network vantage point, whose direction "sent" follows (main-schema §VantagePoint:
   * with flow "client" a packet_sent goes towards the server)
   */
  flow?: 'client' | 'server' | 'unknown';
  groupId?: string;
  /** the original destination CID, when the trace names it (common_fields ODCID) */
  odcid?: string;
  title?: string;
  /**
   * Milliseconds per unit of the written times, when not 1: draft-00/01's
   * `configuration.time_units` "us". Durations in events (RTTs) are in the same unit
   * (draft-marx-qlog-event-definitions-quic-h3-01 §metrics_updated: "in ms or us, depending
   * on the overarching qlog's configuration.time_units").
   */
  timeUnitMs?: number;
  /**
   * Unix epoch milliseconds that event times count from: events' `timeMs` are then absolute.
   * 0 when the file's times are epoch times already. Undefined when the writer gave no usable
   * reference, and `timeMs` is relative to an unknown start.
   */
  referenceTimeMs?: number;
}

/** One half of a network path, as far as the writer logged it. */
export interface QlogEndpoint {
  ip?: string;
  port?: number;
  /** lowercase hex */
  connectionIds?: string[];
}

/**
 * A frame as the qlog file logged it, with naming differences between versions removed:
 * `frame_type` is lowercase snake_case and the current name ('ack', 'stream', 'max_streams',
 * 'data_blocked', ...), numbers written as decimal strings (draft-01) are numbers, stream
 * frames' `id` is `stream_id`, connection IDs and tokens are lowercase hex strings. Every
 * other field is kept as written.
 */
export interface QlogFrame {
  frame_type: string;
  [field: string]: unknown;
}

export type QlogEventKind = QlogEvent['kind'];

export interface QlogEventBase {
  trace: QlogTrace;
  /**
   * Milliseconds: since the Unix epoch when the trace has a reference time
   * (`trace.referenceTimeMs` defined), else since the trace's own start.
   */
  timeMs: number;
  /** the event's name as written, e.g. "transport:packet_sent" or "quic:packet_sent" */
  name: string;
  /** 1-based: the JSON-SEQ record number, or the event's place in its trace's events array */
  position: number;
  /** a per-event group_id, for traces that mix connections */
  groupId?: string;
  /** the per-event path ("tuple" since main-schema-13) the event belongs to */
  pathId?: string;
}

/** quic-events §packet_sent / §packet_received */
export interface QlogPacketEvent extends QlogEventBase {
  kind: 'packet_sent' | 'packet_received';
  packetType: PacketType;
  packetNumber: number | null;
  /** lowercase hex, without 0x */
  version?: string;
  dcid?: string;
  scid?: string;
  /** the Initial's token or the Retry token, lowercase hex */
  token?: string;
  keyPhase?: 0 | 1;
  /** the whole packet's size in bytes, when logged */
  length?: number;
  /** version negotiation packets: the versions offered, lowercase hex */
  supportedVersions?: string[];
  /** undefined when the writer logged no frames for the packet (e.g. it could not decrypt it) */
  frames?: QlogFrame[];
}

/** quic-events §parameters_set: transport parameters and TLS settings one side announced */
export interface QlogParametersSetEvent extends QlogEventBase {
  kind: 'parameters_set';
  /** `owner` (0.3) or `initiator` (quic-events-12 on); absent in some early writers */
  owner?: 'local' | 'remote';
  /** every other field of the event's data, as written */
  params: Record<string, unknown>;
}

/** quic-events §connection_started (connectivity:connection_new in draft-01) */
export interface QlogConnectionStartedEvent extends QlogEventBase {
  kind: 'connection_started';
  /** the vantage point's own side: `src_*` (before quic-events-10) or `local` */
  src?: QlogEndpoint;
  /** the peer: `dst_*` or `remote` */
  dst?: QlogEndpoint;
  srcCid?: string;
  dstCid?: string;
  version?: string;
}

/** quic-events §connection_id_updated */
export interface QlogConnectionIdUpdatedEvent extends QlogEventBase {
  kind: 'connection_id_updated';
  /** local: the endpoint changed its own CID; remote: the CID it sends to */
  owner?: 'local' | 'remote';
  old?: string;
  new?: string;
}

/** quic-events §key_updated */
export interface QlogKeyUpdatedEvent extends QlogEventBase {
  kind: 'key_updated';
  keyType?: string;
  /** `key_phase`, or `generation` before quic-events-07 */
  keyPhase?: number;
  trigger?: string;
}

/**
 * A path's addresses: quic-events §tuple_assigned (path_assigned before quic-events-12),
 * or the path change a quiclens export notes as `quiclens:path_changed`.
 */
export interface QlogPathUpdatedEvent extends QlogEventBase {
  kind: 'path_updated';
  pathId?: string;
  local?: QlogEndpoint;
  remote?: QlogEndpoint;
  /** a path as the writer described it in text ("ip:port ip:port"), before and after */
  oldText?: string;
  newText?: string;
}

/** quic-events §migration_state_updated */
export interface QlogMigrationEvent extends QlogEventBase {
  kind: 'migration';
  old?: string;
  new?: string;
  pathId?: string;
  local?: QlogEndpoint;
  remote?: QlogEndpoint;
}

/** quic-events §connection_closed (connectivity:connection_close in draft-01) */
export interface QlogConnectionClosedEvent extends QlogEventBase {
  kind: 'connection_closed';
  owner?: 'local' | 'remote';
  /** a transport error name or number (`connection_error`, 0.3's `connection_code`) */
  connectionError?: string | number;
  /** an application error name or number (`application_error`, 0.3's `application_code`) */
  applicationError?: string | number;
  errorCode?: number;
  reason?: string;
  trigger?: string;
}

/** quic-events §version_information; versions lowercase hex without 0x */
export interface QlogVersionInformationEvent extends QlogEventBase {
  kind: 'version_information';
  clientVersions?: string[];
  serverVersions?: string[];
  chosenVersion?: string;
}

/** quic-events §alpn_information (transport:ALPN_update in draft-01) */
export interface QlogAlpnInformationEvent extends QlogEventBase {
  kind: 'alpn_information';
  clientAlpns?: string[];
  serverAlpns?: string[];
  chosenAlpn?: string;
}

/**
 * quic-events §packet_lost (recovery:packet_lost up to quic-events-08): a packet the writer
 * sent and has declared lost. Always one of the writer's own packets.
 */
export interface QlogPacketLostEvent extends QlogEventBase {
  kind: 'packet_lost';
  /** 'unknown' when the writer left it out (draft-00 logged only the number) */
  packetType: PacketType;
  packetNumber: number | null;
  /** why it was declared lost: reordering_threshold, time_threshold, pto_expired, ... */
  trigger?: string;
  /** the frames it carried, when logged */
  frames?: QlogFrame[];
}

/**
 * quic-events §recovery_metrics_updated (recovery:metrics_updated up to quic-events-08,
 * metric_update in draft-00/01): the writer's own recovery state, only the fields that
 * changed. RTTs in milliseconds (float) whatever unit the file wrote them in.
 */
export interface QlogMetricsUpdatedEvent extends QlogEventBase {
  kind: 'metrics_updated';
  minRttMs?: number;
  smoothedRttMs?: number;
  latestRttMs?: number;
  rttVarianceMs?: number;
  /** bytes */
  congestionWindow?: number;
  bytesInFlight?: number;
  ssthresh?: number;
  packetsInFlight?: number;
  ptoCount?: number;
  /** bits per second */
  pacingRate?: number;
}

/** quic-events §packet_dropped: a packet the writer received (or built) and threw away */
export interface QlogPacketDroppedEvent extends QlogEventBase {
  kind: 'packet_dropped';
  packetType: PacketType;
  packetNumber: number | null;
  /** bytes, when logged */
  length?: number;
  /** why: key_unavailable, decryption_failure, duplicate, ... ('unknown' when not logged) */
  trigger: string;
}

/** Every other event (HTTP/3, congestion state, ...), with its data as written. */
export interface QlogOtherEvent extends QlogEventBase {
  kind: 'other';
  data: Record<string, unknown>;
}

export type QlogEvent =
  | QlogPacketEvent
  | QlogParametersSetEvent
  | QlogConnectionStartedEvent
  | QlogConnectionIdUpdatedEvent
  | QlogKeyUpdatedEvent
  | QlogPathUpdatedEvent
  | QlogMigrationEvent
  | QlogConnectionClosedEvent
  | QlogVersionInformationEvent
  | QlogAlpnInformationEvent
  | QlogPacketLostEvent
  | QlogMetricsUpdatedEvent
  | QlogPacketDroppedEvent
  | QlogOtherEvent;

/** What readQlog yields: each trace's header before its events, and problems where they occur. */
export type QlogItem =
  | { kind: 'trace'; trace: QlogTrace }
  | { kind: 'event'; event: QlogEvent }
  | { kind: 'problem'; problem: InputIssue };

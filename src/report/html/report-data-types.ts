import type { StallCause } from '../../analysis/streams/stream-types.js';
import type { ExplainedLoss } from '../ladder.js';
import type { PacketTableMeta } from './packed-packets.js';

/**
 * What the HTML report embeds: the JSON the other commands print, gathered in one object.
 * The page's script reads it and draws; it computes nothing the analyses did not say.
 * Types only, shared by the report command (which fills it) and the page (which reads it).
 */
export interface ReportData {
  /** `quiclens <version>` */
  generator: string;
  /** the command line's inputs and options, as given */
  options: { inputs: string[]; keylogs: string[]; lb: string[]; connection: number | null };
  /** `summary --format json`: inputs, connections, findings, unjudged */
  summary: SummaryJson;
  /** per connection id: the `timeline --explain` sentence of each handshake event, in order */
  explain: Record<string, string[]>;
  /** per connection id (those with losses): the losses `timeline --explain` draws among the steps, with its sentences; `more` not drawn */
  explainLosses: Record<string, { losses: ExplainedLoss[]; more: number }>;
  /** per connection id: SNI, ALPN, cipher suite when unknown, and why (as `summary` says under its table) */
  unknownTls: Record<string, { missing: string[]; why: string }>;
  /** `packets --format json` as a table of columns (packed-packets.ts): its description; the bytes sit in their own element (render-html.ts) */
  packets: PacketTableMeta;
  /** `lb check --format json` of the --lb configs, with the capture replayed; absent without --lb */
  lb?: Record<string, unknown>;
  /** per connection id: that connection's object of `recovery --format json` */
  recovery?: Record<string, RecoveryConnectionJson>;
  /** per connection id: that connection's object of `streams --format json` */
  streams?: Record<string, StreamsJson>;
  /** problems met while reading the inputs, as the CLI prints them on stderr */
  problems: string[];
}

/** the fields of `recovery --format json` the page reads (docs/json.md) */
export interface RecoveryConnectionJson {
  id: number;
  recovery: {
    directions: {
      sender: 'client' | 'server';
      packets: number;
      lostAfterCapture: number | null;
      lostBeforeCapture: number | null;
      lossPercent: number | null;
      retransmittedBytes: { stream: number; crypto: number } | null;
      rtt: { smoothedMs: number; minMs: number; leg: string } | null;
      maxBytesInFlight: number | null;
      facts: Record<string, FactJson>;
    }[];
    endToEndRtt: { smoothedMs: number; minMs: number } | null;
    endToEndFact: FactJson;
    losses: { sender: 'client' | 'server'; space: string; pn: number; where: string; frame: number | null; time: number; retransmission: { frame: number } | null; evidence: string; reason?: string; spurious: boolean }[];
    rttSamples: { sender: 'client' | 'server'; time: number; latestMs: number; smoothedMs: number }[];
    flight: { sender: 'client' | 'server'; time: number; bytes: number }[];
    events: Record<string, { count: number; omitted: number }>;
  } | null;
  reason?: string;
}

/** a head-of-line wait's cause, as `streams --format json` writes it: the analysis's own shape */
export type StallCauseJson = StallCause;

export interface StreamDirectionJson {
  bytes: number;
  retransmittedBytes: number;
  firstTime: number | null;
  lastTime: number | null;
  fin: boolean;
  reset: { errorCode: number } | null;
}

/** the fields of `streams --format json` the page reads (docs/json.md) */
export interface StreamsJson {
  connection: number;
  known: FactJson;
  model: FactJson;
  streams: {
    id: number;
    opener: string;
    directionality: string;
    role: string | null;
    client: StreamDirectionJson;
    server: StreamDirectionJson;
    request: { method?: string; path?: string; status?: number } | null;
    quicWaitMs: number | null;
    tcpWaitMs: number | null;
  }[];
  stalls: { stream: number; sender: string; from: number; until: number; waitMs: number; heldBytes: number; cause: StallCauseJson; filledBy: { frame: number; time: number }; othersDelivering: number[] }[];
  stallsOmitted: number;
  untrackedStreams: number;
  unfilled: { stream: number; sender: string; from: number; heldBytes: number; cause: StallCauseJson }[];
  tcp: { sentence: string; stream: number; held: { stream: number }[] }[];
  tcpOmitted: number;
}

/** the fields of `summary --format json` the page reads (docs/json.md has them all) */
export interface SummaryJson {
  inputs: { path: string; format: string; records: number }[];
  connections: ConnectionJson[];
  findings: FindingJson[];
  unjudged: { code: string; connection: number; frame?: number; reason: string }[];
}

export interface FactJson {
  evidence: 'proven' | 'inferred' | 'unknown';
  reason: string;
}

export interface HandshakeEventJson {
  time: number;
  event: string;
  frame: number;
  by: 'client' | 'server';
  detail: string;
}

export interface ConnectionJson {
  id: number;
  version: string | null;
  client: string | null;
  server: string | null;
  sni: string | null;
  alpn: string | null;
  cipherSuite: string | null;
  firstFrame: number;
  durationMs: number;
  log: { path?: string } | null;
  packets: { total: number; decrypted: number; notDecrypted?: Record<string, number> };
  handshake: {
    complete: boolean | null;
    confirmedAt: number | null;
    durationMs: number | null;
    roundTrips: number | null;
    roundTripReasons: string[];
    facts: Record<string, FactJson | undefined>;
    events: HandshakeEventJson[];
  };
  migrations: MigrationJson[];
  /** summary's headline loss and RTT; null when the connection has no recovery report */
  recovery?: {
    client: { lossPercent: number | null };
    server: { lossPercent: number | null };
    endToEndRttMs: number | null;
    facts: Record<string, FactJson>;
  } | null;
  [more: string]: unknown;
}

export interface MigrationJson {
  time: number;
  frame: number;
  kind: 'active' | 'nat_rebinding' | 'preferred_address' | 'probe_only' | null;
  side: 'client' | 'server';
  from: string;
  to: string;
  addressChanged: boolean | null;
  validated: boolean | null;
  validationMs: number | null;
  newDcid: boolean | null;
  challenges: { by: string; data: string; frame: number; time: number; response: { frame: number; time: number } | null }[];
  facts: { kind: FactJson; validated: FactJson };
}

export interface FindingJson {
  severity: 'error' | 'warning' | 'info';
  code: string;
  connection: number;
  frame?: number;
  message: string;
  evidence: 'proven' | 'inferred';
  reason?: string;
}

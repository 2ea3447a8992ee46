import type { QlogFormat, QlogSerialization, QlogTrace, QlogVantage } from './qlog-events.js';
import { parseTimeFormat, referenceTimeMs, unitMsOf, numeric, type TimeBase, type TimeMode } from './qlog-time.js';
import { hexOf, isObject, text, type JsonObject } from './qlog-values.js';

/**
 * Which schema a file follows, from its top-level fields. A `file_schema` URN (main-schema-09
 * on, §Concrete Log File Schema URIs) or qlog_version 0.4 and up (main-schema-06, "Updated
 * qlog_version to 0.4") is 'ietf'; "draft-0N" (and pcap2qlog's "draft-02-wip") is that draft;
 * "0.3" is 0.3. Without a version, arrays of event columns mean draft-01.
 */
export function formatOf(root: JsonObject, hasEventFields: boolean): QlogFormat {
  if (typeof root.file_schema === 'string') return 'ietf';
  const version = typeof root.qlog_version === 'number' ? String(root.qlog_version) : text(root.qlog_version)?.trim().toLowerCase();
  if (version !== undefined) {
    const draft = /^draft-0*(\d+)/.exec(version);
    if (draft) return Number(draft[1]) === 0 ? 'draft-00' : Number(draft[1]) === 1 ? 'draft-01' : 'draft-02';
    const semver = /^(\d+)\.(\d+)/.exec(version);
    if (semver) {
      const [major, minor] = [Number(semver[1]), Number(semver[2])];
      // 0.1 was the pre-draft format, 0.2 the JSON of draft-02
      if (major > 0 || minor >= 4) return 'ietf';
      if (minor === 3) return '0.3';
      return minor <= 1 ? 'draft-00' : 'draft-02';
    }
  }
  return hasEventFields ? 'draft-01' : '0.3';
}

function vantageOf(v: unknown): QlogVantage {
  const t = typeof v === 'string' ? v.toLowerCase() : '';
  return t === 'client' || t === 'server' || t === 'network' ? t : 'unknown';
}

function flowOf(v: unknown): QlogTrace['flow'] {
  const t = typeof v === 'string' ? v.toLowerCase() : undefined;
  return t === 'client' || t === 'server' || t === 'unknown' ? t : undefined;
}

const idOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export interface TraceSetup {
  trace: QlogTrace;
  time: TimeBase;
}

export interface TraceSource {
  file: string;
  index: number;
  serialization: QlogSerialization;
  format: QlogFormat;
  /** the file's top level (for qlog_version and title) */
  root: JsonObject;
  /** the trace object: an entry of `traces`, or a JSON-SEQ header's `trace` */
  trace: JsonObject;
  /** for draft-00/01 event arrays, the mode the time column's name gives */
  columnTimeMode?: TimeMode;
}

/**
 * The QlogTrace header and the time base of one trace. A trace's `common_fields` and
 * `configuration` (draft-01/0.3) say how its times read; see qlog-time.ts.
 */
export function traceSetup(src: TraceSource): TraceSetup {
  const t = src.trace;
  const common = isObject(t.common_fields) ? t.common_fields : {};
  const config = isObject(t.configuration) ? t.configuration : {};
  const vp = isObject(t.vantage_point) ? t.vantage_point : {};
  const unitMs = unitMsOf(config.time_units);
  // main-schema-10 and later default to relative_to_epoch, and their reference time to the
  // Unix epoch, which makes times without a reference object absolute, as "absolute" (the
  // default before) always did
  const mode: TimeMode = src.columnTimeMode ?? parseTimeFormat(common.time_format) ?? (isObject(common.reference_time) ? 'relative' : 'absolute');
  const referenceMs = referenceTimeMs(common.reference_time);
  const time: TimeBase = { mode, unitMs, offsetMs: (numeric(config.time_offset) ?? 0) * unitMs };
  if (referenceMs !== undefined) time.referenceMs = referenceMs;

  const trace: QlogTrace = { file: src.file, index: src.index, format: src.format, serialization: src.serialization, vantage: vantageOf(vp.type) };
  const qlogVersion = idOf(src.root.qlog_version);
  if (qlogVersion !== undefined) trace.qlogVersion = qlogVersion;
  const vantageName = text(vp.name);
  if (vantageName !== undefined) trace.vantageName = vantageName;
  const flow = flowOf(vp.flow);
  if (flow !== undefined) trace.flow = flow;
  const groupId = idOf(common.group_id ?? t.group_id);
  if (groupId !== undefined) trace.groupId = groupId;
  const odcid = hexOf(common.ODCID ?? common.odcid);
  if (odcid !== undefined) trace.odcid = odcid;
  const title = text(t.title) ?? text(src.root.title);
  if (title !== undefined) trace.title = title;
  if (unitMs !== 1) trace.timeUnitMs = unitMs;
  // absolute times are epoch times already: their reference is the epoch itself
  const ref = mode === 'absolute' ? 0 : referenceMs;
  if (ref !== undefined) trace.referenceTimeMs = ref;
  return { trace, time };
}

/**
 * Whether a parsed JSON-SEQ record is a file header rather than an event: main-schema's
 * QlogFileSeq has `trace` (and `file_schema`), 0.3's has `qlog_format` and `qlog_version`;
 * events have `name` and `time` instead.
 */
export function isSeqHeader(o: JsonObject): boolean {
  if (isObject(o.trace)) return true;
  return (o.qlog_format !== undefined || o.file_schema !== undefined || o.qlog_version !== undefined) && o.name === undefined;
}

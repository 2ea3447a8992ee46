import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { InputIssue } from '../wire/input-issue.js';
import { MAX_QLOG_NESTING, lineColumn, nestsDeeperThan, scanJson, shortQuote } from './json-limits.js';
import { DEFAULT_MAX_RECORD_BYTES, splitJsonSeq, type JsonSeqRecord } from './json-seq.js';
import { normaliseEvent } from './normalise-event.js';
import type { QlogEvent, QlogEventBase, QlogFormat, QlogItem, QlogTrace } from './qlog-events.js';
import { numeric, parseTimeFormat, TraceClock, type TimeMode } from './qlog-time.js';
import { isObject, type JsonObject } from './qlog-values.js';
import { ReorderWindow } from './reorder.js';
import { FIRST_LINE_LIMIT, sniffQlog, sniffQlogHead } from './sniff-qlog.js';
import { formatOf, isSeqHeader, traceSetup } from './trace-header.js';

export interface ReadQlogOptions {
  /**
   * JSON-SEQ only: how many events may wait to be put in time order (default 1024). An
   * event further out of order than this comes out late and is reported once per trace.
   */
  reorderWindow?: number;
  /** JSON-SEQ only: a record longer than this is skipped and reported (default 16 MiB) */
  maxRecordBytes?: number;
  /** one JSON document (not JSON-SEQ) is read whole; a larger file is refused (default 64 MiB) */
  maxDocumentBytes?: number;
}

/** the largest qlog JSON document read whole; JSON-SEQ streams, so has no such limit */
export const DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

const DEFAULT_WINDOW = 1024;

/** The file name extensions readQlogDir picks up. */
export const QLOG_EXTENSIONS = ['.qlog', '.sqlog', '.json'] as const;

/**
 * Reads one qlog file of any version into the normalised stream: for each trace, its
 * header, then its events in time order; problems where the input is bad, after which
 * reading goes on where it can. A file that cannot be read at all, or is not qlog, gives
 * one fatal problem.
 */
export async function* readQlog(file: string, opts: ReadQlogOptions = {}): AsyncGenerator<QlogItem> {
  const sniff = await sniffQlog(file);
  switch (sniff.kind) {
    case 'unreadable':
      yield problem({ file, message: sniff.message, fatal: true });
      return;
    case 'empty':
      yield problem({ file, offset: 0, message: 'the file is empty: expected a qlog file (JSON, or JSON-SEQ records starting with 0x1E)', fatal: true });
      return;
    case 'not-qlog':
      yield problem({
        file,
        offset: sniff.offset,
        message: `expected a qlog file: JSON starting with "{" or JSON-SEQ records starting with 0x1E, found ${sniff.found}`,
        fatal: true,
      });
      return;
    case 'json-seq':
      yield* readJsonSeq(file, opts);
      return;
    case 'json':
      yield* readJsonFile(file, opts.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES);
      return;
  }
}

/**
 * Reads a qlog arriving on a stream (standard input, a FIFO) as readQlog reads a file: its
 * first line says JSON-SEQ / NDJSON (then read record by record as the records arrive) or one
 * JSON document (gathered up to the document limit). Only the first line (at most
 * FIRST_LINE_LIMIT bytes) is held before reading starts.
 */
export async function* readQlogStream(name: string, chunks: AsyncIterable<Uint8Array>, opts: ReadQlogOptions = {}): AsyncGenerator<QlogItem> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headSize = 0;
  let ended = false;
  try {
    while (headSize < FIRST_LINE_LIMIT) {
      const next = await it.next();
      if (next.done) {
        ended = true;
        break;
      }
      const chunk = Buffer.from(next.value);
      head.push(chunk);
      headSize += chunk.length;
      // a line feed after the first non-blank byte ends the first line: enough to tell the kind
      if (firstLineEnded(Buffer.concat(head, headSize))) break;
    }
  } catch (err) {
    yield problem({ file: name, message: `cannot read: ${jsonErrorText(err)}`, fatal: true });
    await it.return?.();
    return;
  }
  const first = Buffer.concat(head, headSize);
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      if (first.length > 0) yield first;
      if (ended) return;
      try {
        for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
      } finally {
        await it.return?.();
      }
    },
  };
  const sniff = sniffQlogHead(first);
  switch (sniff.kind) {
    case 'unreadable':
    case 'empty':
    case 'not-qlog':
      await it.return?.();
      yield problem({
        file: name,
        offset: sniff.kind === 'not-qlog' ? sniff.offset : 0,
        message: `expected a qlog: JSON starting with "{" or JSON-SEQ records starting with 0x1E, found ${sniff.kind === 'not-qlog' ? sniff.found : 'nothing'}`,
        fatal: true,
      });
      return;
    case 'json-seq':
      yield* readJsonSeq(name, opts, rest);
      return;
    case 'json':
      yield* readJsonStream(name, rest, opts.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES);
      return;
  }
}

function firstLineEnded(bytes: Buffer): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  return i < bytes.length && bytes.indexOf(0x0a, i) >= 0;
}

/**
 * Every .qlog, .sqlog and .json file directly in `dir`, in file name order, each read with
 * readQlog. A folder that cannot be listed gives one fatal problem.
 */
export async function* readQlogDir(dir: string, opts: ReadQlogOptions = {}): AsyncGenerator<QlogItem> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries
      .filter((e) => e.isFile() && (QLOG_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message = e.code === 'ENOENT' ? 'no such folder' : e.code === 'ENOTDIR' ? 'not a folder, expected one holding qlog files' : e.message;
    yield problem({ file: dir, message, fatal: true });
    return;
  }
  for (const name of names) yield* readQlog(join(dir, name), opts);
}

const problem = (p: InputIssue): QlogItem => ({ kind: 'problem', problem: p });
const eventItem = (event: QlogEvent): QlogItem => ({ kind: 'event', event });

/** an event's identity fields that may sit on the event itself (main-schema §Event) */
function addExtras(base: QlogEventBase, o: JsonObject): void {
  const g = o.group_id;
  if (typeof g === 'string' || typeof g === 'number') base.groupId = String(g);
  // "path" until main-schema-13 renamed it "tuple"
  const p = o.tuple ?? o.path;
  if (typeof p === 'string') base.pathId = p;
}

/** `name`, or draft-02's separate `category` and `event`, as one "category:event" name */
function nameOf(category: unknown, event: unknown): string | undefined {
  if (typeof event !== 'string' || event === '') return undefined;
  return typeof category === 'string' && category !== '' ? `${category}:${event}` : event;
}

function jsonErrorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Why JSON text does not parse, in our words: what was expected, what was found (a short
 * quote), and where (line and column, 1-based, within `text`). V8's own message quotes the
 * text over several lines and often gives no position, so it is not shown.
 */
function jsonSyntax(text: string): { message: string; line: number; column: number; endsEarly: boolean; cut?: { pos: number; closers: string } } {
  const scan = scanJson(text);
  if (scan.ok) return { message: 'not valid JSON', line: 1, column: 1, endsEarly: false };
  const where = lineColumn(text, scan.pos);
  const found = scan.endsEarly ? 'the end of the text' : shortQuote(text.slice(scan.pos, scan.pos + 16), 16);
  return { message: `expected ${scan.expected}, found ${found}`, ...where, endsEarly: scan.endsEarly, ...(scan.cut ? { cut: scan.cut } : {}) };
}

/* ------------------------------------------------------------------------------------ */
/* JSON-SEQ                                                                              */

async function* readJsonSeq(file: string, opts: ReadQlogOptions, input?: AsyncIterable<Uint8Array>): AsyncGenerator<QlogItem> {
  const window = new ReorderWindow<QlogEvent>(opts.reorderWindow ?? DEFAULT_WINDOW);
  let setup: { trace: QlogTrace; clock: TraceClock } | undefined;
  const at = (r: JsonSeqRecord) => ({ file, line: r.line, frame: r.recordNumber, offset: r.offset });

  const startTrace = (root: JsonObject, trace: JsonObject, format: QlogFormat) => {
    const s = traceSetup({ file, index: 0, serialization: 'json-seq', format, root, trace });
    setup = { trace: s.trace, clock: new TraceClock(s.time) };
    return s.trace;
  };

  let last: JsonSeqRecord | undefined;
  const stream = input ? undefined : createReadStream(file);
  try {
    for await (const r of splitJsonSeq(input ?? stream!, { maxRecordBytes: opts.maxRecordBytes })) {
      last = r;
      if (r.oversize) {
        yield problem({ ...at(r), message: `record ${r.recordNumber} is ${r.byteLength} bytes, more than the ${opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES}-byte limit for one record: skipped`, fatal: true });
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(r.text);
      } catch {
        const syntax = jsonSyntax(r.text);
        // columns on the record's first line count from where the record starts on it
        const place = { file, line: r.line + syntax.line - 1, column: syntax.line === 1 ? r.column + syntax.column - 1 : syntax.column, frame: r.recordNumber };
        const message = !r.terminated
          ? `record ${r.recordNumber} is cut short${r.final ? ' at the end of the file' : ''} (no closing line feed, and its JSON is incomplete: ${syntax.message}); the writer was probably stopped while writing it`
          : `record ${r.recordNumber} is not valid JSON (${syntax.message}): expected one JSON object per record (RFC 7464)`;
        // a last record cut off is what a writer leaves when it is stopped: the rest of the log
        // stands, so it is told but does not fail the run; a bad record anywhere else is bad input
        yield problem({ ...place, message, fatal: r.terminated || !r.final });
        continue;
      }
      if (nestsDeeperThan(value, MAX_QLOG_NESTING)) {
        yield problem({ ...at(r), message: `record ${r.recordNumber} nests arrays and objects more than ${MAX_QLOG_NESTING} deep: skipped (a qlog event nests a few levels)`, fatal: true });
        continue;
      }
      if (!isObject(value)) {
        yield problem({ ...at(r), message: `record ${r.recordNumber} is ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}: expected a JSON object (the qlog header or an event)`, fatal: true });
        continue;
      }
      if (isSeqHeader(value)) {
        if (setup) {
          yield problem({ ...at(r), message: `record ${r.recordNumber} is a second header: a JSON-SEQ qlog holds one trace, so it is ignored`, fatal: false });
          continue;
        }
        const trace = isObject(value.trace) ? value.trace : {};
        yield { kind: 'trace', trace: startTrace(value, trace, formatOf(value, false)) };
        continue;
      }
      if (!setup) {
        yield problem({
          ...at(r),
          message: `record ${r.recordNumber} is an event, but no header record came before it: expected the qlog header (qlog_format/file_schema and trace) first; reading on with an unknown vantage point and relative times`,
          fatal: true,
        });
        yield { kind: 'trace', trace: startTrace({}, {}, 'unknown') };
      }
      const s = setup!;
      const time = numeric(value.time);
      const name = typeof value.name === 'string' && value.name !== '' ? value.name : nameOf(value.category, value.event);
      if (time === undefined || name === undefined) {
        const missing = [time === undefined ? 'a numeric "time"' : '', name === undefined ? 'a "name"' : ''].filter(Boolean).join(' and ');
        yield problem({ ...at(r), message: `record ${r.recordNumber} is not a qlog event: expected ${missing}`, fatal: true });
        continue;
      }
      if (value.data !== undefined && !isObject(value.data)) {
        yield problem({ ...at(r), message: `record ${r.recordNumber} (${name}): expected "data" to be an object, found ${Array.isArray(value.data) ? 'an array' : typeof value.data}`, fatal: true });
        continue;
      }
      const base: QlogEventBase = { trace: s.trace, timeMs: s.clock.toMs(time, parseTimeFormat(value.time_format)), name, position: r.recordNumber };
      addExtras(base, value);
      const out = window.push(base.timeMs, normaliseEvent(base, (value.data as JsonObject | undefined) ?? {}), r.recordNumber);
      if (out) yield eventItem(out);
    }
  } catch (err) {
    yield problem({ file, message: `reading stopped: ${jsonErrorText(err)}`, fatal: true });
  } finally {
    stream?.destroy();
  }
  for (const e of window.drain()) yield eventItem(e);
  if (window.late > 0) {
    yield problem({
      file,
      frame: window.firstLate,
      message: `${window.late} event(s), the first in record ${window.firstLate}, came more than ${window.capacity} events after later ones and are out of time order (raise the reorder window to sort them)`,
      fatal: false,
    });
  }
  if (!setup) {
    yield problem({ file, offset: 0, message: last === undefined ? 'no records: expected a qlog header record' : 'no record could be read: expected a qlog header record and events', fatal: true });
  }
}

/* ------------------------------------------------------------------------------------ */
/* One JSON document                                                                     */

async function* readJsonFile(file: string, maxBytes: number): AsyncGenerator<QlogItem> {
  let source: string;
  try {
    const size = (await stat(file)).size;
    if (size > maxBytes) {
      yield problem({
        file,
        offset: 0,
        message: `a qlog JSON document of ${size} bytes is more than the ${maxBytes} bytes quiclens reads whole: write the log as JSON-SEQ (which is read record by record), or split it`,
        fatal: true,
      });
      return;
    }
    source = await readFile(file, 'utf8');
  } catch (err) {
    yield problem({ file, message: `cannot read: ${jsonErrorText(err)}`, fatal: true });
    return;
  }
  yield* readJsonText(file, source);
}

/**
 * One JSON document arriving on a pipe: gathered up to `maxBytes` (its size is not known
 * before it ends), then read as a file's is. Past the limit the rest is not read.
 */
async function* readJsonStream(name: string, chunks: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<QlogItem> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        yield problem({
          file: name,
          offset: maxBytes,
          message: `a qlog JSON document of more than ${maxBytes} bytes is more than quiclens reads whole: write the log as JSON-SEQ (which is read record by record), or split it`,
          fatal: true,
        });
        return;
      }
      parts.push(Buffer.from(chunk));
    }
  } catch (err) {
    yield problem({ file: name, message: `cannot read: ${jsonErrorText(err)}`, fatal: true });
    return;
  }
  yield* readJsonText(name, Buffer.concat(parts, size).toString('utf8'));
}

async function* readJsonText(file: string, text: string): AsyncGenerator<QlogItem> {
  let root: unknown;
  let cutShort: InputIssue | undefined;
  {
    // a JSON document cannot be parsed in pieces without a streaming parser; its events
    // are then converted one trace at a time, without a second copy of the file's events
    let source = text;
    if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
    try {
      root = JSON.parse(source);
    } catch {
      const syntax = jsonSyntax(source);
      if (syntax.endsEarly && syntax.cut) {
        // qvis's reading of a log whose writer stopped mid-way: close what was open after the
        // last whole value, and read the events before the cut
        try {
          root = JSON.parse(source.slice(0, syntax.cut.pos) + syntax.cut.closers);
          // a cut before any trace's events leaves nothing to read: that is the plain error below
          if (!isObject(root) || !(Array.isArray(root.traces) || Array.isArray(root.events))) throw new Error('no events before the cut');
          const stop = lineColumn(source, syntax.cut.pos);
          cutShort = {
            file,
            line: syntax.line,
            column: syntax.column,
            message: `the JSON document is cut short (${syntax.message}): the events before line ${stop.line}, column ${stop.column} are read, what follows is lost; the writer was probably stopped while writing`,
            fatal: false,
          };
        } catch {
          root = undefined;
        }
      }
      if (root === undefined) {
        const cut = syntax.endsEarly ? ': the file is cut short' : '';
        yield problem({ file, line: syntax.line, column: syntax.column, message: `not valid JSON (${syntax.message})${cut}: expected one qlog JSON document`, fatal: true });
        return;
      }
    }
  }
  if (cutShort) yield problem(cutShort);
  if (!isObject(root)) {
    yield problem({ file, line: 1, column: 1, message: `the JSON document is ${Array.isArray(root) ? 'an array' : `a ${typeof root}`}: expected a qlog object with "traces"`, fatal: true });
    return;
  }
  const traces: unknown[] | undefined = Array.isArray(root.traces)
    ? root.traces
    : // qlog 0.1 and draft-00 files were a single trace; a lone JSON-SEQ header has `trace`
      Array.isArray(root.events)
      ? [root]
      : isObject(root.trace)
        ? [root.trace]
        : undefined;
  if (!traces) {
    yield problem({ file, message: 'expected a "traces" array (qlog JSON, main-schema §QlogFile) or a JSON-SEQ qlog; found neither', fatal: true });
    return;
  }
  for (let index = 0; index < traces.length; index++) {
    const t = traces[index];
    // let the trace's parsed events be collected once it has been read
    traces[index] = undefined;
    if (!isObject(t)) {
      yield problem({ file, message: `trace ${index} is not an object: expected a qlog trace`, fatal: false });
      continue;
    }
    const { events: _events, ...own } = t;
    if (nestsDeeperThan(own, MAX_QLOG_NESTING)) {
      yield problem({ file, message: `trace ${index} nests arrays and objects more than ${MAX_QLOG_NESTING} deep outside its events: skipped`, fatal: true });
      continue;
    }
    if (typeof t.error_description === 'string') {
      // main-schema §TraceError: the writer could not include this trace
      const uri = typeof t.uri === 'string' ? ` (${t.uri})` : '';
      yield problem({ file, message: `trace ${index} is an error its writer recorded instead of a trace${uri}: ${t.error_description}`, fatal: false });
      continue;
    }
    yield* readJsonTrace(file, index, root, t);
  }
}

/** How to read one event of a trace: from an array under `event_fields`, or an object. */
interface EventReader {
  time(e: unknown): number | undefined;
  timeMode(e: unknown): TimeMode | undefined;
  name(e: unknown): string | undefined;
  data(e: unknown): unknown;
  /** sets the event's own group_id and path, if it has them */
  extras(base: QlogEventBase, e: unknown): void;
}

/**
 * draft-00/01 (draft-marx-qlog-main-schema-01 §common_fields and event_fields): each event
 * is an array whose columns `event_fields` names; a field in `common_fields` holds for
 * every event that has no column for it. draft-00 wrote names in capitals and called the
 * event column EVENT_TYPE.
 */
function columnReader(fields: string[], common: JsonObject): { reader: EventReader; mode?: TimeMode } {
  const lower = fields.map((f) => String(f).toLowerCase());
  const col = (...names: string[]) => {
    for (const n of names) {
      const i = lower.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const timeCol = col('relative_time', 'delta_time', 'time');
  const mode: TimeMode | undefined =
    timeCol < 0 ? undefined : lower[timeCol] === 'relative_time' ? 'relative' : lower[timeCol] === 'delta_time' ? 'delta' : 'absolute';
  const categoryCol = col('category');
  const eventCol = col('event', 'event_type', 'name');
  const dataCol = col('data');
  const groupCol = col('group_id');
  const commonOf = (key: string) => {
    for (const [k, v] of Object.entries(common)) if (k.toLowerCase() === key) return v;
    return undefined;
  };
  const cell = (e: unknown, i: number, fallback: string) => (Array.isArray(e) && i >= 0 ? e[i] : commonOf(fallback));
  return {
    mode,
    reader: {
      time: (e) => numeric(cell(e, timeCol, 'time')),
      timeMode: () => undefined,
      name: (e) => {
        const event = cell(e, eventCol, 'event') ?? cell(e, eventCol, 'event_type');
        return nameOf(cell(e, categoryCol, 'category'), event);
      },
      data: (e) => (Array.isArray(e) ? (dataCol >= 0 ? (e[dataCol] ?? {}) : {}) : undefined),
      // a group_id in common_fields is the trace's (QlogTrace.groupId), not a per-event one
      extras: (base, e) => {
        const g = Array.isArray(e) && groupCol >= 0 ? e[groupCol] : undefined;
        if (typeof g === 'string' || typeof g === 'number') base.groupId = String(g);
      },
    },
  };
}

/** draft-02, 0.3 and the IETF drafts: each event an object {time, name, data} */
const objectReader: EventReader = {
  time: (e) => (isObject(e) ? numeric(e.time) : undefined),
  timeMode: (e) => (isObject(e) ? parseTimeFormat(e.time_format) : undefined),
  name: (e) => (isObject(e) ? (typeof e.name === 'string' && e.name !== '' ? e.name : nameOf(e.category, e.event)) : undefined),
  data: (e) => (isObject(e) ? (e.data ?? {}) : undefined),
  extras: (base, e) => {
    if (isObject(e)) addExtras(base, e);
  },
};

/** a column name of event_fields: only a string names one */
const fieldName = (f: unknown): string => (typeof f === 'string' ? f : '');

async function* readJsonTrace(file: string, index: number, root: JsonObject, t: JsonObject): AsyncGenerator<QlogItem> {
  const written = Array.isArray(t.event_fields) ? t.event_fields : Array.isArray(root.fields) ? root.fields : undefined;
  const fields = written?.map(fieldName);
  const common = isObject(t.common_fields) ? t.common_fields : {};
  const columns = fields ? columnReader(fields, common) : undefined;
  const reader = columns?.reader ?? objectReader;
  const setup = traceSetup({ file, index, serialization: 'json', format: formatOf(root, fields !== undefined), root, trace: t, columnTimeMode: columns?.mode });
  yield { kind: 'trace', trace: setup.trace };
  if (!Array.isArray(t.events)) {
    yield problem({ file, message: `trace ${index} has no "events" array`, fatal: false });
    return;
  }
  const events: unknown[] = t.events;
  const clock = new TraceClock(setup.time);
  // times in file order (deltas add up in that order), then the events sorted by them:
  // the whole document is in memory already, so a full, stable sort costs only the indices
  const times = new Float64Array(events.length);
  const order: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const time = reader.time(e);
    const name = reader.name(e);
    const data = reader.data(e);
    const where = `trace ${index}, event ${i + 1}`;
    if (nestsDeeperThan(e, MAX_QLOG_NESTING)) {
      events[i] = undefined;
      yield problem({ file, message: `${where} nests arrays and objects more than ${MAX_QLOG_NESTING} deep: skipped`, fatal: false });
      continue;
    }
    if (time === undefined || name === undefined) {
      const missing = [time === undefined ? 'a numeric time' : '', name === undefined ? 'a name (or category and event)' : ''].filter(Boolean).join(' and ');
      const shape = columns ? `an array with the columns ${shortQuote(fields!.join(', '), 120)}` : 'an object {time, name, data}';
      yield problem({ file, message: `${where}: expected ${shape} with ${missing}`, fatal: false });
      continue;
    }
    if (!isObject(data)) {
      yield problem({ file, message: `${where} (${name}): expected "data" to be an object`, fatal: false });
      continue;
    }
    times[i] = clock.toMs(time, reader.timeMode(e));
    order.push(i);
  }
  order.sort((a, b) => times[a]! - times[b]! || a - b);
  for (const i of order) {
    const e = events[i];
    const base: QlogEventBase = { trace: setup.trace, timeMs: times[i]!, name: reader.name(e)!, position: i + 1 };
    reader.extras(base, e);
    yield eventItem(normaliseEvent(base, reader.data(e) as JsonObject));
  }
}

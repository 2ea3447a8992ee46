import { readQlog, readQlogDir, type ReadQlogOptions } from '../../src/qlog/read-qlog.js';
import type { QlogEvent, QlogItem, QlogPacketEvent, QlogTrace } from '../../src/qlog/qlog-events.js';
import type { InputIssue } from '../../src/wire/input-issue.js';

export interface Collected {
  items: QlogItem[];
  traces: QlogTrace[];
  events: QlogEvent[];
  problems: InputIssue[];
}

function split(items: QlogItem[]): Collected {
  return {
    items,
    traces: items.flatMap((i) => (i.kind === 'trace' ? [i.trace] : [])),
    events: items.flatMap((i) => (i.kind === 'event' ? [i.event] : [])),
    problems: items.flatMap((i) => (i.kind === 'problem' ? [i.problem] : [])),
  };
}

/** everything readQlog yields for a file, kept in order and split by kind */
export async function collect(file: string, opts?: ReadQlogOptions): Promise<Collected> {
  const items: QlogItem[] = [];
  for await (const item of readQlog(file, opts)) items.push(item);
  return split(items);
}

export async function collectDir(dir: string, opts?: ReadQlogOptions): Promise<Collected> {
  const items: QlogItem[] = [];
  for await (const item of readQlogDir(dir, opts)) items.push(item);
  return split(items);
}

export const sent = (events: QlogEvent[], trace?: QlogTrace): QlogPacketEvent[] =>
  events.filter((e): e is QlogPacketEvent => e.kind === 'packet_sent' && (trace === undefined || e.trace === trace));

export const packets = (events: QlogEvent[]): QlogPacketEvent[] =>
  events.filter((e): e is QlogPacketEvent => e.kind === 'packet_sent' || e.kind === 'packet_received');

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** STREAM frames an endpoint logged as sent, and the packets it declared lost (qlog 0.3 as ngtcp2 writes it). */
export interface EndpointStreams {
  vantage: 'client' | 'server';
  sent: { pn: number; type: string; streams: { id: number; offset: number; length: number; fin: boolean }[] }[];
  /** packet numbers of recovery:packet_lost events, 1-RTT/0-RTT only */
  lost: number[];
}

/**
 * A witness for tests only, apart from the product's qlog reader on purpose (like
 * endpoint-qlog.ts): what each sender said it put in STREAM frames.
 */
export function readEndpointStreams(dir: string): EndpointStreams[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sqlog'))
    .map((name) => {
      const records = readFileSync(join(dir, name), 'utf8')
        .split('\x1e')
        .filter((r) => r.trim())
        .flatMap((r) => {
          try {
            return [JSON.parse(r)];
          } catch {
            return [];
          }
        });
      const vantage = records[0].trace.vantage_point.type as 'client' | 'server';
      const app = (t: string) => t === '1RTT' || t === '0RTT';
      const sent = records
        .filter((e) => e.name === 'transport:packet_sent' && app(e.data.header.packet_type))
        .map((e) => ({
          pn: e.data.header.packet_number as number,
          type: e.data.header.packet_type as string,
          streams: ((e.data.frames ?? []) as Record<string, unknown>[])
            .filter((f) => f.frame_type === 'stream')
            .map((f) => ({ id: f.stream_id as number, offset: (f.offset as number) ?? 0, length: f.length as number, fin: f.fin === true })),
        }));
      const lost = records
        .filter((e) => e.name === 'recovery:packet_lost' && app(e.data.header?.packet_type))
        .map((e) => e.data.header.packet_number as number);
      return { vantage, sent, lost };
    });
}

/** distinct bytes of one stream a sender logged, as a count (overlapping resends count once) */
export function distinctBytes(log: EndpointStreams, id: number): number {
  const ranges = log.sent
    .flatMap((p) => p.streams)
    .filter((s) => s.id === id && s.length > 0)
    .map((s) => [s.offset, s.offset + s.length] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -1;
  for (const [a, b] of ranges) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What an endpoint logged as sent, from the JSON-SEQ qlog ngtcp2 writes (qlog 0.3). */
export interface EndpointLog {
  file: string;
  vantage: 'client' | 'server';
  /** common_fields.group_id: the connection's original DCID */
  groupId: string;
  sent: { type: string; pn: number | undefined; frames: string[] }[];
}

/**
 * A small reader for test expectations only, kept apart from the product's qlog reader on
 * purpose: the witness must not share the code it checks. A record cut short (endpoint
 * killed mid-write) is skipped.
 */
export function readEndpointLogs(dir: string): EndpointLog[] {
  const out: EndpointLog[] = [];
  for (const f of readdirSync(dir).filter((name) => name.endsWith('.sqlog'))) {
    {
      const records = readFileSync(join(dir, f), 'utf8')
        .split('\x1e')
        .filter((r) => r.trim())
        .flatMap((r) => {
          try {
            return [JSON.parse(r)];
          } catch {
            return [];
          }
        });
      const head = records[0];
      const vantage = head.trace.vantage_point.type as 'client' | 'server';
      const sent = records
        .filter((e) => e.name === 'transport:packet_sent')
        .map((e) => ({
          type: e.data.header.packet_type as string,
          pn: e.data.header.packet_number as number | undefined,
          frames: ((e.data.frames ?? []) as { frame_type: string }[]).map((f) => f.frame_type),
        }));
      out.push({ file: f, vantage, groupId: head.trace.common_fields.group_id, sent });
    }
  }
  return out;
}

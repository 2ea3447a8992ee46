import type { CaptureFile } from '../capture/open-capture.js';
import { readDatagrams } from '../capture/read-datagrams.js';
import type { CaptureSecrets } from '../capture/types.js';
import { DatagramDecoder } from '../quic/decode-datagram.js';
import type { InputIssue } from '../wire/input-issue.js';
import { ConnectionTracker } from './connection-tracker.js';
import type { PacketRecord } from './packet-record.js';

export type PacketEvent =
  | { kind: 'packet'; packet: PacketRecord }
  | { kind: 'secrets'; secrets: CaptureSecrets }
  | { kind: 'issue'; issue: InputIssue };

export interface ReadPacketsOptions {
  /** --port: UDP ports where QUIC is assumed even before a long header is seen */
  ports?: readonly number[];
}

/**
 * The packet pipeline for captures: datagrams → QUIC packets → connections. One session
 * reads any number of inputs so that connections are numbered across all of them.
 * Everything streams: per-connection state is all that is kept.
 */
export class PacketSession {
  readonly tracker = new ConnectionTracker();
  private readonly decoder: DatagramDecoder;

  constructor(options: ReadPacketsOptions = {}) {
    this.decoder = new DatagramDecoder({ ports: options.ports });
  }

  async *read(file: CaptureFile): AsyncGenerator<PacketEvent> {
    let zero: number | undefined;
    for await (const ev of readDatagrams(file)) {
      if (ev.kind !== 'datagram') {
        yield ev;
        continue;
      }
      const d = ev.datagram;
      const decoded = this.decoder.decode(d);
      if (!decoded) continue;
      zero ??= file.stats.firstTime ?? d.time;
      const t0 = zero;
      for (const header of decoded.packets) {
        const { connection, direction } = this.tracker.track(header, d);
        const encrypted = header.type !== 'version_negotiation' && header.type !== 'retry';
        yield {
          kind: 'packet',
          packet: {
            frame: d.frame,
            time: d.time - t0,
            connection,
            direction,
            src: d.src,
            dst: d.dst,
            header,
            pn: null,
            keyPhase: null,
            decrypted: !encrypted ? 'not encrypted' : header.type === 'unknown' ? 'unknown version' : 'no keys',
          },
        };
      }
      if (decoded.problem) {
        yield {
          kind: 'issue',
          issue: {
            file: file.path,
            frame: d.frame,
            message: `QUIC packet at byte ${decoded.problem.offset} of the UDP payload: ${decoded.problem.message}`,
            fatal: false,
          },
        };
      }
    }
  }
}

import type { Frame } from '../../quic/frames/index.js';
import { RangeSet } from '../../quic/range-set.js';
import type { Role } from '../connection.js';
import type { StreamDirection } from './stream-types.js';

/** at most this many streams are counted per connection; the rest are counted as untracked */
export const MAX_STREAMS = 4096;

interface DirectionState {
  seen: RangeSet;
  frameBytes: number;
  retransmittedBytes: number;
  firstTime: number | null;
  lastTime: number | null;
  fin: boolean;
  finalSize: number | null;
  reset: StreamDirection['reset'];
  stopSending: StreamDirection['stopSending'];
}

const newDirection = (): DirectionState => ({
  seen: new RangeSet(),
  frameBytes: 0,
  retransmittedBytes: 0,
  firstTime: null,
  lastTime: null,
  fin: false,
  finalSize: null,
  reset: null,
  stopSending: null,
});

/**
 * Per stream and direction of one connection: bytes, bytes seen again, first and last
 * times, FIN, RESET_STREAM and STOP_SENDING. Memory grows with streams and with holes in
 * their offsets, not with packets.
 */
export class StreamCounters {
  private readonly streams = new Map<number, Record<Role, DirectionState>>();
  /** streams beyond MAX_STREAMS, not counted */
  untracked = 0;

  observe(frames: readonly Frame[], from: Role, time: number, frame: number): void {
    for (const f of frames) {
      if (f.type === 'stream') {
        const d = this.direction(f.stream_id, from);
        if (!d) continue;
        const again = d.seen.overlap(f.offset, f.offset + f.length);
        d.seen.add(f.offset, f.offset + f.length);
        d.retransmittedBytes += again;
        d.frameBytes += f.length;
        d.firstTime ??= time;
        d.lastTime = time;
        if (f.fin) {
          d.fin = true;
          d.finalSize = f.offset + f.length;
        }
      } else if (f.type === 'reset_stream') {
        const d = this.direction(f.stream_id, from);
        if (!d) continue;
        d.reset ??= { errorCode: f.error_code, finalSize: f.final_size, frame };
        d.finalSize = f.final_size;
      } else if (f.type === 'stop_sending') {
        // STOP_SENDING is sent by the receiving side about the direction its peer sends (§19.5)
        const d = this.direction(f.stream_id, from === 'client' ? 'server' : 'client');
        if (!d) continue;
        d.stopSending ??= { errorCode: f.error_code, frame };
      }
    }
  }

  /** whether the stream is counted (not beyond MAX_STREAMS) */
  has(id: number): boolean {
    return this.streams.has(id);
  }

  ids(): number[] {
    return [...this.streams.keys()].sort((a, b) => a - b);
  }

  report(id: number, side: Role): StreamDirection {
    const d = this.streams.get(id)?.[side] ?? newDirection();
    return {
      bytes: d.seen.size,
      retransmittedBytes: d.retransmittedBytes,
      firstTime: d.firstTime,
      lastTime: d.lastTime,
      fin: d.fin,
      finalSize: d.finalSize,
      reset: d.reset,
      stopSending: d.stopSending,
      exact: d.seen.exact,
    };
  }

  private direction(id: number, side: Role): DirectionState | null {
    let s = this.streams.get(id);
    if (!s) {
      if (this.streams.size >= MAX_STREAMS) {
        this.untracked++;
        return null;
      }
      s = { client: newDirection(), server: newDirection() };
      this.streams.set(id, s);
    }
    return s[side];
  }
}

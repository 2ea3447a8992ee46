import type { Role } from '../connection.js';
import type { Frame } from '../../quic/frames/index.js';
import { CappedList } from './capped-list.js';

/** Which limit a sender waited on (RFC 9000 §4): the connection's data, one stream's data, or opening streams. */
export type LimitKind = 'data' | 'stream_data' | 'streams_bidi' | 'streams_uni';

/** A sender blocked by its peer's limit, from its *_BLOCKED frame to the MAX_* frame that raised the limit. */
export interface FlowControlWait {
  /** the blocked side */
  sender: Role;
  kind: LimitKind;
  /** stream_data: the stream */
  stream: number | null;
  limit: number;
  /** the *_BLOCKED frame */
  frame: number;
  time: number;
  /** the peer's MAX_* frame that raised the limit; null when the capture never shows it */
  raisedBy: { frame: number; time: number; maximum: number } | null;
  waitedMs: number | null;
}

/** The flow-control frames one side sent, counted by type (qlog names). */
export interface FlowControlCounts {
  data_blocked: number;
  stream_data_blocked: number;
  streams_blocked: number;
  max_data: number;
  max_stream_data: number;
  max_streams: number;
}

const zeroCounts = (): FlowControlCounts => ({ data_blocked: 0, stream_data_blocked: 0, streams_blocked: 0, max_data: 0, max_stream_data: 0, max_streams: 0 });

/**
 * One connection's flow control as the capture shows it. A sender says it is blocked with
 * DATA_BLOCKED, STREAM_DATA_BLOCKED or STREAMS_BLOCKED (RFC 9000 §19.12–19.14); its peer
 * lifts the limit with MAX_DATA, MAX_STREAM_DATA or MAX_STREAMS (§19.9–19.11). A wait runs
 * from the first BLOCKED frame at a limit to the first MAX_* frame above it.
 */
export class FlowControl {
  readonly counts: Record<Role, FlowControlCounts> = { client: zeroCounts(), server: zeroCounts() };
  readonly waits = new CappedList<FlowControlWait>();
  /** open waits by sender and limit key (made with the first BLOCKED frame) */
  private open: Map<string, FlowControlWait> | undefined;
  /** total wait per blocked side, ms, over waits that ended */
  readonly waitedMs: Record<Role, number> = { client: 0, server: 0 };

  observe(frames: readonly Frame[], sender: Role, frame: number, time: number): void {
    const peer: Role = sender === 'client' ? 'server' : 'client';
    for (const f of frames) {
      switch (f.type) {
        case 'data_blocked':
          this.block(sender, 'data', null, f.limit, frame, time);
          break;
        case 'stream_data_blocked':
          this.block(sender, 'stream_data', f.stream_id, f.limit, frame, time);
          break;
        case 'streams_blocked':
          this.block(sender, f.stream_type === 'unidirectional' ? 'streams_uni' : 'streams_bidi', null, f.limit, frame, time);
          break;
        case 'max_data':
          this.raise(peer, 'data', null, f.maximum, frame, time);
          break;
        case 'max_stream_data':
          this.raise(peer, 'stream_data', f.stream_id, f.maximum, frame, time);
          break;
        case 'max_streams':
          this.raise(peer, f.stream_type === 'unidirectional' ? 'streams_uni' : 'streams_bidi', null, f.maximum, frame, time);
          break;
        default:
          continue;
      }
      this.counts[sender][f.type]++;
    }
  }

  /** the waits the capture never saw end */
  get unfinished(): number {
    return this.open?.size ?? 0;
  }

  private block(sender: Role, kind: LimitKind, stream: number | null, limit: number, frame: number, time: number): void {
    const key = `${sender} ${kind} ${stream ?? ''}`;
    this.open ??= new Map();
    const open = this.open.get(key);
    // a BLOCKED frame repeated (or sent again after a loss) at the same limit is the same wait
    if (open && open.limit >= limit) return;
    const w: FlowControlWait = { sender, kind, stream, limit, frame, time, raisedBy: null, waitedMs: null };
    this.open.set(key, w);
    this.waits.push(w);
  }

  /** `blocked` is the side whose limit the MAX_* frame raises */
  private raise(blocked: Role, kind: LimitKind, stream: number | null, maximum: number, frame: number, time: number): void {
    const key = `${blocked} ${kind} ${stream ?? ''}`;
    const w = this.open?.get(key);
    if (!w || maximum <= w.limit) return;
    w.raisedBy = { frame, time, maximum };
    w.waitedMs = Math.round((time - w.time) * 1e6) / 1e3;
    this.waitedMs[blocked] += w.waitedMs;
    this.open!.delete(key);
  }
}

#!/usr/bin/env python3
"""Does a recording show head-of-line blocking confined to one stream? (record.sh netem-hol)

Reads the client's qlog (ngtcp2, JSON-SEQ) in QLOG_DIR, the receiver's own account, and
follows each client-initiated bidirectional stream's data as it arrived: a STREAM frame
beyond the stream's contiguous end opens a gap (the stream is blocked: the bytes after the
gap cannot be handed to the application, RFC 9000 §2.2); the frame that fills it closes it.
Prints one line per gap with the other streams' bytes that arrived in order meanwhile, and
exits 0 if at least one gap saw another stream deliver, 1 if none did.

usage: hol-check.py QLOG_DIR
"""
import glob
import json
import sys


def records(path):
    for raw in open(path, encoding='utf8').read().split('\x1e'):
        if raw.strip():
            try:
                yield json.loads(raw)
            except ValueError:
                continue  # a record cut short when the endpoint was stopped


def contiguous_end(ranges):
    end = 0
    for start, stop in sorted(ranges):
        if start > end:
            break
        end = max(end, stop)
    return end


def gaps(path):
    received = {}  # stream id -> [(start, end)]
    open_gaps = {}  # stream id -> (time, gap offset, {other stream: bytes delivered meanwhile})
    for event in records(path):
        if event.get('name') != 'transport:packet_received':
            continue
        for frame in event['data'].get('frames', []):
            if frame.get('frame_type') != 'stream' or frame['stream_id'] % 4 != 0:
                continue
            sid = frame['stream_id']
            ranges = received.setdefault(sid, [])
            before = contiguous_end(ranges)
            ranges.append((frame['offset'], frame['offset'] + frame.get('length', 0)))
            after = contiguous_end(ranges)
            if sid in open_gaps and after > open_gaps[sid][1]:
                since, at, others = open_gaps.pop(sid)
                yield sid, at, since, event['time'], others
            elif frame['offset'] > before and sid not in open_gaps:
                open_gaps[sid] = (event['time'], before, {})
            if after > before:
                for blocked, (_, _, others) in open_gaps.items():
                    if blocked != sid:
                        others[sid] = others.get(sid, 0) + after - before


def main():
    clients = [p for p in glob.glob(f'{sys.argv[1]}/*.sqlog')
               if next(records(p))['trace']['vantage_point']['type'] == 'client']
    confined = 0
    for path in clients:
        for sid, at, since, until, others in gaps(path):
            print(f'stream {sid}: gap at offset {at} from {since} to {until} ms; '
                  f'delivered meanwhile: {others or "nothing"}')
            confined += bool(others)
    sys.exit(0 if confined else 1)


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""A path with delay and loss, for record.sh's netem scenarios, on kernels without netem.

The kernel that records the captures has no sch_netem (CONFIG_NET_SCH_NETEM is not set), so
`tc qdisc ... netem` fails. Instead the router namespace hands each forwarded packet to this
program through NFQUEUE (iptables `-j NFQUEUE --queue-num N`, one queue per direction); it
drops a share of them at random and gives the rest back to the kernel (verdict ACCEPT) once
they have been held for the delay. The kernel then forwards them as usual.

Where the packets are held matters for what tcpdump sees, and it is the same as with netem on
the router's egress: the forward hook runs after the packet was tapped on the interface it
arrived on and before the interface it leaves by, so a packet dropped here was captured if
it arrived on the capture interface, and never captured if it was leaving by it.

Only the standard library: the nfnetlink queue messages are built by hand
(linux/netfilter/nfnetlink_queue.h, linux/netlink.h). The verdict is all we send; the kernel
keeps the packet, so only its metadata is copied to us.

usage: nfqueue-path.py --queue N:DELAY_MS:LOSS [--queue ...] [--seed S] [--stats FILE]
       LOSS is a fraction (0.02 for 2 %). Runs until SIGTERM or SIGINT, then writes per queue
       how many packets it saw and dropped to FILE (or stderr), and how many times the
       kernel could not tell it of a packet (its socket buffer was full: such a packet
       waits in the kernel's queue for a verdict that never comes, a loss of its own).
"""
import argparse
import errno
import heapq
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NF_DROP, NF_ACCEPT = 0, 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
SO_RCVBUFFORCE = 33
AF_INET = 2


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * ((4 - length % 4) % 4)


def message(msg, queue, attrs, flags=NLM_F_REQUEST, seq=0):
    # nfgenmsg: family, version 0, the queue number big-endian (res_id)
    body = struct.pack('=BBH', AF_INET, 0, socket.htons(queue)) + b''.join(attrs)
    return struct.pack('=IHHII', 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg, flags, seq, 0) + body


def check_ack(sock, what):
    data = sock.recv(65536)
    length, kind = struct.unpack_from('=IH', data)
    if kind == NLMSG_ERROR:
        (err,) = struct.unpack_from('=i', data, 16)
        if err != 0:
            sys.exit(f'nfqueue-path.py: {what} failed: errno {-err}')


def bind(sock, queue, seq):
    sock.send(message(NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_CMD, struct.pack('>BxH', NFQNL_CFG_CMD_BIND, AF_INET))],
                      NLM_F_REQUEST | NLM_F_ACK, seq))
    check_ack(sock, f'binding queue {queue}')
    sock.send(message(NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_PARAMS, struct.pack('>IB', 0, NFQNL_COPY_META)),
                                                attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack('>I', 8192))],
                      NLM_F_REQUEST | NLM_F_ACK, seq + 1))
    check_ack(sock, f'configuring queue {queue}')


def packets(data):
    """(queue, packet id) of each NFQNL_MSG_PACKET in one netlink read."""
    off = 0
    while off + 16 <= len(data):
        length, kind = struct.unpack_from('=IH', data, off)
        if length < 16:
            break
        if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
            (queue,) = struct.unpack_from('>H', data, off + 18)
            a = off + 20
            while a + 4 <= off + length:
                alen, akind = struct.unpack_from('=HH', data, a)
                if alen < 4:
                    break
                if akind & 0x7fff == NFQA_PACKET_HDR:
                    (pid,) = struct.unpack_from('>I', data, a + 4)
                    yield queue, pid
                a += (alen + 3) & ~3
        off += (length + 3) & ~3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--queue', action='append', required=True, help='N:DELAY_MS:LOSS')
    ap.add_argument('--seed', type=int, default=13)
    ap.add_argument('--stats')
    args = ap.parse_args()
    paths = {}
    for spec in args.queue:
        n, delay, loss = spec.split(':')
        paths[int(n)] = (float(delay) / 1000, float(loss))
    rng = random.Random(args.seed)
    seen = {q: 0 for q in paths}
    dropped = {q: 0 for q in paths}

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    sock.bind((0, 0))
    for i, q in enumerate(paths):
        bind(sock, q, 2 * i + 1)

    stop = False

    def on_signal(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print('ready', flush=True)

    held = []  # (release time, arrival order, queue, packet id): a fixed delay keeps each queue in order
    order = 0
    overruns = 0
    while not stop:
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, q, pid = heapq.heappop(held)
            sock.send(message(NFQNL_MSG_VERDICT, q, [attr(NFQA_VERDICT_HDR, struct.pack('>II', NF_ACCEPT, pid))]))
        timeout = max(0.0, held[0][0] - now) if held else 0.2
        try:
            ready, _, _ = select.select([sock], [], [], timeout)
        except InterruptedError:
            continue
        if not ready:
            continue
        try:
            data = sock.recv(1 << 20)
        except OSError as e:
            if e.errno != errno.ENOBUFS:
                raise
            overruns += 1
            continue
        arrived = time.monotonic()
        for q, pid in packets(data):
            if q not in paths:
                continue
            delay, loss = paths[q]
            seen[q] += 1
            if rng.random() < loss:
                dropped[q] += 1
                sock.send(message(NFQNL_MSG_VERDICT, q, [attr(NFQA_VERDICT_HDR, struct.pack('>II', NF_DROP, pid))]))
            else:
                order += 1
                heapq.heappush(held, (arrived + delay, order, q, pid))
    # let the packets still held go, so that nothing waits on a verdict that never comes
    for _, _, q, pid in held:
        sock.send(message(NFQNL_MSG_VERDICT, q, [attr(NFQA_VERDICT_HDR, struct.pack('>II', NF_ACCEPT, pid))]))
    lines = ''.join(f'queue {q}: {seen[q]} packets, {dropped[q]} dropped\n' for q in paths)
    if overruns:
        lines += f'socket overruns: {overruns}\n'
    if args.stats:
        with open(args.stats, 'w') as f:
            f.write(lines)
    else:
        sys.stderr.write(lines)


if __name__ == '__main__':
    main()

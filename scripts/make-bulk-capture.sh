#!/usr/bin/env bash
# Records the speed bench's capture: one bulk transfer between Debian's ngtcp2 client and
# server (gtlsclient, gtlsserver), one connection, four requests (four streams) for a file of
# MB megabytes, GSO off (the server's --max-gso-dgrams=1; the client only acknowledges), captured by tcpdump on the loopback of a private network namespace
# (unshare -n: nothing leaves it, and no other recording on the machine shares its port).
# It records again, up to five times, until tcpdump reports no packet dropped by the kernel.
# Writes OUT (a pcap) and, beside it, OUT's name with .keys.log (both endpoints' key logs).
# usage: bash scripts/make-bulk-capture.sh [OUT.pcap] [MB]   (as root; default
#        bench-data/bulk-30mb.pcap, 30 MB per stream: about 100,000 packets)
# needs: apt-get install ngtcp2-client ngtcp2-server tcpdump openssl
set -euo pipefail
out=${1:-bench-data/bulk-30mb.pcap}
mb=${2:-30}
for tool in gtlsclient gtlsserver tcpdump openssl unshare; do
  command -v "$tool" >/dev/null || { echo "make-bulk-capture.sh: $tool is missing (apt-get install ngtcp2-client ngtcp2-server tcpdump openssl)" >&2; exit 2; }
done
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
keys=${out%.pcap}.keys.log

# the rest runs inside a network namespace of its own
if [ -z "${QUICLENS_BULK_NS:-}" ]; then
  exec env QUICLENS_BULK_NS=1 unshare -n bash "$0" "$out" "$mb"
fi
ip link set lo up

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir -p "$work/htdocs"
head -c $((mb * 1000000)) /dev/urandom > "$work/htdocs/bulk.bin"

PORT=4433
NOGSO=--max-gso-dgrams=1
for attempt in 1 2 3 4 5; do
  rm -f "$work"/*.keys
  # a 256 MiB buffer: loopback delivers bursts faster than tcpdump's default 2 MiB drains
  tcpdump -i lo -B 262144 -U --immediate-mode -s 0 -w "$out" "udp port $PORT" 2>"$work/tcpdump.err" &
  tcpdump_pid=$!; pids+=("$tcpdump_pid")
  sleep 1
  SSLKEYLOGFILE="$work/server.keys" gtlsserver -q -d "$work/htdocs" $NOGSO 127.0.0.1 "$PORT" \
    "$work/key.pem" "$work/cert.pem" >/dev/null 2>"$work/server.err" &
  server_pid=$!; pids+=("$server_pid")
  sleep 0.5
  SSLKEYLOGFILE="$work/client.keys" timeout 600 gtlsclient -q --exit-on-all-streams-close -n 4 \
    127.0.0.1 "$PORT" "https://localhost:$PORT/bulk.bin" >/dev/null 2>"$work/client.err" ||
    echo "make-bulk-capture.sh: client exited $?" >&2
  sleep 2
  kill "$server_pid" "$tcpdump_pid" 2>/dev/null || true
  wait "$server_pid" "$tcpdump_pid" 2>/dev/null || true
  cat "$work/client.keys" "$work/server.keys" 2>/dev/null | sort -u > "$keys" || true
  if [ -s "$work/client.err" ]; then sed "s/^/  client: /" "$work/client.err" >&2; fi
  dropped=$(grep -o '[0-9]* packets dropped by kernel' "$work/tcpdump.err" || echo 'unknown packets dropped by kernel')
  echo "make-bulk-capture.sh: attempt $attempt: $(du -h "$out" | cut -f1), $dropped"
  case $dropped in 0\ *) exit 0 ;; esac
done
echo "make-bulk-capture.sh: tcpdump dropped packets in every attempt; $out has drops" >&2
exit 1

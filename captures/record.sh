#!/usr/bin/env bash
# Records the sample captures: real QUIC between Debian's ngtcp2 client and server
# (gtlsclient, gtlsserver) on loopback, captured by tcpdump. For each scenario it writes
#   captures/<scenario>/<scenario>.pcap    the capture
#   captures/<scenario>/keys.log           both endpoints' TLS key logs, merged
#   captures/<scenario>/qlog/*.sqlog      both endpoints' qlogs (each names its vantage point)
# usage: bash captures/record.sh [scenario...]   (as root; all scenarios by default)
# needs: apt-get install ngtcp2-client ngtcp2-server tcpdump openssl
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for tool in gtlsclient gtlsserver tcpdump openssl; do
  command -v "$tool" >/dev/null || { echo "record.sh: $tool is missing (apt-get install ngtcp2-client ngtcp2-server tcpdump openssl)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
namespaces=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # deleting a namespace deletes the veth ends inside it, and their peers with them
  for ns in "${namespaces[@]:-}"; do [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# a throwaway certificate and a document root with a file worth downloading
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir -p "$work/htdocs"
head -c 200000 /dev/urandom > "$work/htdocs/file.bin"
head -c 20000 /dev/urandom > "$work/htdocs/small.bin"
head -c 1000000 /dev/urandom > "$work/htdocs/big.bin"
printf '<!doctype html><title>quiclens</title><p>hello over QUIC\n' > "$work/htdocs/index.html"

PORT=4433

# start_capture NAME [IFACE] [BUFFER_KIB]: tcpdump on loopback (or IFACE) for UDP to/from
# $PORT. Loopback delivers bursts faster than tcpdump's default 2 MiB buffer drains, so the
# buffer is 64 MiB unless a scenario wants kernel drops.
start_capture() {
  local name=$1 iface=${2:-lo} buffer=${3:-65536}
  out="$here/$name"
  rm -rf "$out"; mkdir -p "$out/qlog"
  tcpdump -i "$iface" -B "$buffer" -U --immediate-mode -s 0 -w "$out/$name.pcap" "udp port $PORT" 2>"$work/tcpdump.err" &
  tcpdump_pid=$!; pids+=("$tcpdump_pid")
  sleep 1
}

# start_server [ADDR] [extra options...]
start_server() {
  local addr=${1:-127.0.0.1}; shift || true
  SSLKEYLOGFILE="$work/server.keys" gtlsserver -q --qlog-dir="$out/qlog" -d "$work/htdocs" \
    "$@" "$addr" "$PORT" "$work/key.pem" "$work/cert.pem" >/dev/null 2>"$work/server.err" &
  server_pid=$!; pids+=("$server_pid")
  sleep 0.5
}

# client ADDR URL [options...]: runs one client to completion
client() {
  local addr=$1 url=$2; shift 2
  SSLKEYLOGFILE="$work/client.keys" timeout 20 gtlsclient -q --qlog-dir="$out/qlog" --exit-on-all-streams-close \
    "$@" "$addr" "$PORT" "$url" >/dev/null 2>>"$work/client.err" || echo "record.sh: client exited $? in $(basename "$out")" >&2
}

# finish: stop everything, keep the keys, say what was recorded
finish() {
  # tcpdump needs a moment for the last packets, and the server writes the end of its qlog
  # only when the connection has drained (three PTOs, long under loss): killed earlier, its
  # qlog ends mid-record
  sleep 3
  kill "$server_pid" 2>/dev/null || true
  kill "$tcpdump_pid" 2>/dev/null || true
  wait "$server_pid" "$tcpdump_pid" 2>/dev/null || true
  cat "$work"/client.keys "$work"/server.keys 2>/dev/null | sort -u > "$out/keys.log" || true
  rm -f "$work"/client.keys "$work"/server.keys
  local dropped; dropped=$(grep -o '[0-9]* packets dropped by kernel' "$work/tcpdump.err" || true)
  echo "$(basename "$out"): $(du -h "$out/$(basename "$out").pcap" | cut -f1), ${dropped:-0 dropped}"
}

URL="https://localhost:$PORT/file.bin"
NOGSO=--max-gso-dgrams=1

scenario_handshake() { start_capture handshake; start_server 127.0.0.1 $NOGSO; client 127.0.0.1 "$URL"; finish; }
scenario_retry() { start_capture retry; start_server 127.0.0.1 $NOGSO -V; client 127.0.0.1 "https://localhost:$PORT/small.bin"; finish; }
scenario_version_negotiation() {
  # the client's first Initial uses a reserved version (RFC 9000 §15), which the server
  # answers with Version Negotiation; ngtcp2 0.12's client then opens a new connection in v1
  start_capture version-negotiation; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "https://localhost:$PORT/small.bin" -v 0x1a2a3a4a --preferred-versions v1; finish
}
# compatible version negotiation (RFC 9368): the client starts in v1 and offers the v2
# draft; the server prefers it, so the handshake moves to 0x709a50c4 without a round trip
scenario_compat_vn() {
  start_capture compat-vn; start_server 127.0.0.1 $NOGSO --preferred-versions v2draft,v1
  client 127.0.0.1 "https://localhost:$PORT/small.bin" -v v1 --other-versions v2draft,v1; finish
}
scenario_zero_rtt() {
  start_capture zero-rtt; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "https://localhost:$PORT/small.bin" --session-file="$work/session" --tp-file="$work/tp"
  sleep 0.3
  client 127.0.0.1 "https://localhost:$PORT/small.bin" --session-file="$work/session" --tp-file="$work/tp"
  finish
}
# on loopback a download ends in milliseconds: hold the request back (--delay-stream) so
# that the path change and the key update happen while the connection is busy
# a resumed connection whose 0-RTT carries a POST: replayable by an attacker (RFC 9001
# §9.2), which the 0-RTT audit must flag
scenario_zero_rtt_post() {
  start_capture zero-rtt-post; start_server 127.0.0.1 $NOGSO
  printf 'name=quiclens&action=transfer' > "$work/form"
  client 127.0.0.1 "https://localhost:$PORT/small.bin" --session-file="$work/session-post" --tp-file="$work/tp-post"
  sleep 0.3
  client 127.0.0.1 "https://localhost:$PORT/small.bin" --session-file="$work/session-post" --tp-file="$work/tp-post" -m POST -d "$work/form"
  finish
}
scenario_migration() {
  start_capture migration; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "$URL" --change-local-addr=30ms --delay-stream=60ms; finish
}
scenario_nat_rebinding() {
  start_capture nat-rebinding; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "$URL" --change-local-addr=30ms --nat-rebinding --delay-stream=60ms; finish
}
scenario_key_update() {
  start_capture key-update; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "$URL" --key-update=30ms --delay-stream=60ms; finish
}
# the server offers a preferred address (RFC 9000 §9.6): a second address on loopback,
# 127.0.0.2, where it listens as well. Once the handshake is confirmed the client probes it
# under the CID from the preferred_address transport parameter and moves there; the request
# is held back so that the transfer runs on the new path
scenario_preferred_address() {
  start_capture preferred-address; start_server 127.0.0.1 $NOGSO --preferred-ipv4-addr=127.0.0.2:$PORT
  client 127.0.0.1 "$URL" --delay-stream=60ms; finish
}
scenario_loss() { start_capture loss; start_server 127.0.0.1 $NOGSO -t 0.1 -r 0.1; client 127.0.0.1 "$URL" -t 0.1 -r 0.1; finish; }
scenario_chacha20() {
  start_capture chacha20; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "https://localhost:$PORT/small.bin" --ciphers='NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305'; finish
}
scenario_aes256() {
  start_capture aes256; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "https://localhost:$PORT/small.bin" --ciphers='NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM'; finish
}
scenario_aes128_ccm() {
  start_capture aes128-ccm; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "https://localhost:$PORT/small.bin" --ciphers='NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-CCM'; finish
}
scenario_ipv6() { start_capture ipv6; start_server ::1 $NOGSO; client ::1 "https://localhost:$PORT/small.bin"; finish; }
scenario_multi() {
  start_capture multi; start_server 127.0.0.1 $NOGSO
  client 127.0.0.1 "https://localhost:$PORT/small.bin" & c1=$!
  client 127.0.0.1 "https://localhost:$PORT/small.bin" & c2=$!
  client 127.0.0.1 "https://localhost:$PORT/small.bin" & c3=$!
  wait $c1 $c2 $c3; finish
}
scenario_gso() { start_capture gso; start_server 127.0.0.1; client 127.0.0.1 "$URL"; finish; }
scenario_v2_draft() { start_capture v2-draft; start_server 127.0.0.1 $NOGSO; client 127.0.0.1 "https://localhost:$PORT/small.bin" -v v2draft; finish; }
# tcpdump's default buffer on purpose: a 1 MB download overruns it and the kernel drops
# packets, so 1-byte packet numbers jump by more than the decoder's window
scenario_kernel_drops() {
  start_capture kernel-drops lo 2048; start_server 127.0.0.1 $NOGSO; client 127.0.0.1 "https://localhost:$PORT/big.bin"; finish
}
# a bulk transfer (four requests for a 2 MB file, GSO off, a 256 MiB buffer: even 64 MiB
# dropped packets while the machine was busy, so it is recorded again until none are lost),
# then a run of consecutive records cut out with editcap, as a long kernel-drop burst
# would: longer than a 1-byte packet number's window, so both directions lose sync.
# gap.pcap is the cut capture; gap-cut.pcap.part holds the records cut out (a pcap, named
# so that nothing takes it for a sample of its own: it starts mid-connection), so that the
# whole capture can be put back together (scripts/join-gap-capture.mjs) without keeping it
# twice
GAP_RECORDS=3001-5400
scenario_gap() {
  command -v editcap >/dev/null || { echo "record.sh: editcap is missing (apt-get install wireshark-common)" >&2; return; }
  head -c 2000000 /dev/urandom > "$work/htdocs/bulk.bin"
  local attempt
  for attempt in 1 2 3 4 5; do
    start_capture gap lo 262144; start_server 127.0.0.1 $NOGSO
    client 127.0.0.1 "https://localhost:$PORT/bulk.bin" -n 4; finish
    # the gap must be the only one: record again if the kernel dropped anything
    grep -q '^0 packets dropped by kernel' "$work/tcpdump.err" && break
  done
  mv "$out/gap.pcap" "$work/whole.pcap"
  editcap -F pcap "$work/whole.pcap" "$out/gap.pcap" $GAP_RECORDS
  editcap -F pcap -r "$work/whole.pcap" "$out/gap-cut.pcap.part" $GAP_RECORDS
  echo "gap: records $GAP_RECORDS cut out of $(capinfos -c -M "$work/whole.pcap" | awk '/Number of packets/ {print $NF}')"
}
scenario_linux_cooked() { start_capture linux-cooked any; start_server 127.0.0.1 $NOGSO; client 127.0.0.1 "https://localhost:$PORT/small.bin"; finish; }

# a second QUIC stack: Chromium, headless, fetching a page over HTTP/3 from the ngtcp2
# server. It resolves localhost to ::1 first, hence the resolver rule; its certificate check
# is waived for our key alone (SPKI hash); it writes a key log but no qlog.
scenario_chromium() { chromium_fetch chromium "$NOGSO" index.html; }
# the same with GSO on and a larger page: the server's super-datagrams go to Chromium's
# zero-length CID, so no DCID marks where one datagram ends and the next begins
scenario_chromium_gso() { chromium_fetch chromium-gso "" file.bin; }
chromium_fetch() {
  local name=$1 gso=$2 page=$3
  command -v chromium >/dev/null || { echo "record.sh: chromium is missing (apt-get install chromium)" >&2; return; }
  local spki; spki=$(openssl x509 -in "$work/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
  start_capture "$name"; start_server 127.0.0.1 $gso
  SSLKEYLOGFILE="$work/client.keys" timeout 30 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$work/chromium-profile" \
    --enable-quic --origin-to-force-quic-on=localhost:$PORT --host-resolver-rules="MAP localhost 127.0.0.1" \
    --ignore-certificate-errors-spki-list="$spki" --dump-dom "https://localhost:$PORT/$page" >/dev/null 2>"$work/chromium.err" \
    || echo "record.sh: chromium exited $? (see its log)" >&2
  finish
}

# a phone leaving WiFi for LTE: the client lives in its own network namespace with two
# links ("wifi" 10.77.1.2, "lte" 10.77.2.2) to the server's namespace (10.77.0.1). Its route
# to the server switches from the wifi link to the lte link mid-connection; when it then
# migrates (--change-local-addr), its new socket's source address follows the route, so
# its IP address changes, not only its port. Everything stays inside the two namespaces.
scenario_wifi_to_lte() {
  command -v ip >/dev/null || { echo "record.sh: ip is missing (apt-get install iproute2)" >&2; return; }
  local c=ql-client s=ql-server
  ip netns del $c 2>/dev/null || true; ip netns del $s 2>/dev/null || true
  ip netns add $c; ip netns add $s
  ip link add ql-wifi type veth peer name ql-wifi-s; ip link add ql-lte type veth peer name ql-lte-s
  ip link set ql-wifi netns $c; ip link set ql-lte netns $c; ip link set ql-wifi-s netns $s; ip link set ql-lte-s netns $s
  ip -n $c addr add 10.77.1.2/24 dev ql-wifi; ip -n $c addr add 10.77.2.2/24 dev ql-lte
  ip -n $s addr add 10.77.1.1/24 dev ql-wifi-s; ip -n $s addr add 10.77.2.1/24 dev ql-lte-s; ip -n $s addr add 10.77.0.1/32 dev lo
  for dev in lo ql-wifi ql-lte; do ip -n $c link set $dev up; done
  for dev in lo ql-wifi-s ql-lte-s; do ip -n $s link set $dev up; done
  ip -n $c route add 10.77.0.1/32 via 10.77.1.1
  ip -n $s route add 10.77.2.0/24 dev ql-lte-s 2>/dev/null || true

  out="$here/wifi-to-lte"; rm -rf "$out"; mkdir -p "$out/qlog"
  ip netns exec $s tcpdump -i any -B 65536 -U --immediate-mode -s 0 -w "$out/wifi-to-lte.pcap" "udp port $PORT" 2>"$work/tcpdump.err" &
  tcpdump_pid=$!; pids+=("$tcpdump_pid"); sleep 1
  SSLKEYLOGFILE="$work/server.keys" ip netns exec $s gtlsserver -q --qlog-dir="$out/qlog" -d "$work/htdocs" $NOGSO \
    10.77.0.1 "$PORT" "$work/key.pem" "$work/cert.pem" >/dev/null 2>"$work/server.err" &
  server_pid=$!; pids+=("$server_pid"); sleep 0.5
  # the route moves to LTE shortly after the handshake; the migration follows it
  (sleep 0.03; ip -n $c route replace 10.77.0.1/32 via 10.77.2.1) &
  SSLKEYLOGFILE="$work/client.keys" ip netns exec $c timeout 20 gtlsclient -q --qlog-dir="$out/qlog" --exit-on-all-streams-close \
    --change-local-addr=60ms --delay-stream=100ms 10.77.0.1 "$PORT" "https://localhost:$PORT/file.bin" >/dev/null 2>>"$work/client.err" \
    || echo "record.sh: client exited $? in wifi-to-lte" >&2
  finish
  ip netns del $c; ip netns del $s
}

# a capture taken on a UDP proxy (socat, as a load balancer would be): the client talks to
# the proxy on port 4434, the proxy to the server on 4433, so every packet appears twice,
# on two 4-tuples at once with the same connection IDs: two legs, not a migration
scenario_proxy_legs() {
  command -v socat >/dev/null || { echo "record.sh: socat is missing (apt-get install socat)" >&2; return; }
  out="$here/proxy-legs"; rm -rf "$out"; mkdir -p "$out/qlog"
  tcpdump -i lo -B 65536 -U --immediate-mode -s 0 -w "$out/proxy-legs.pcap" "udp port $PORT or udp port $((PORT + 1))" 2>"$work/tcpdump.err" &
  tcpdump_pid=$!; pids+=("$tcpdump_pid"); sleep 1
  start_server 127.0.0.1 $NOGSO
  socat UDP4-LISTEN:$((PORT + 1)),bind=127.0.0.1,fork,reuseaddr UDP4:127.0.0.1:$PORT >/dev/null 2>&1 &
  local socat_pid=$!; pids+=("$socat_pid"); sleep 0.3
  SSLKEYLOGFILE="$work/client.keys" timeout 20 gtlsclient -q --qlog-dir="$out/qlog" --exit-on-all-streams-close \
    127.0.0.1 $((PORT + 1)) "https://localhost:$PORT/small.bin" >/dev/null 2>>"$work/client.err" || echo "record.sh: client exited $? in proxy-legs" >&2
  finish
  kill "$socat_pid" 2>/dev/null || true
}

# nginx as a `stream` UDP load balancer (Debian's nginx) in front of two ngtcp2 servers on
# 4501 and 4502, hashing the client's address and port; the client migrates to a new port
# mid-transfer. The capture holds both legs, so it shows which server each packet reached.
# Recorded again until the migration lands on the other server, which is what the sample is
# for; nginx.conf beside the capture is the config that ran.
scenario_nginx_lb() {
  command -v nginx >/dev/null || { echo "record.sh: nginx is missing (apt-get install nginx-core libnginx-mod-stream)" >&2; return; }
  out="$here/nginx-lb"
  local conf="$out/nginx.conf" attempt
  for attempt in 1 2 3 4 5 6 7 8; do
    rm -rf "$out"; mkdir -p "$out/qlog"
    cat > "$conf" <<CONF
# the config that ran for captures/nginx-lb (record.sh scenario_nginx_lb)
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err info;
events { worker_connections 64; }
stream {
    upstream quic_servers {
        hash \$remote_addr\$remote_port;
        server 127.0.0.1:4501;
        server 127.0.0.1:4502;
    }
    server {
        listen 127.0.0.1:$PORT udp;
        proxy_pass quic_servers;
        proxy_timeout 20s;
    }
}
CONF
    tcpdump -i lo -B 65536 -U --immediate-mode -s 0 -w "$out/nginx-lb.pcap" "udp port $PORT or udp port 4501 or udp port 4502" 2>"$work/tcpdump.err" &
    tcpdump_pid=$!; pids+=("$tcpdump_pid"); sleep 1
    local s1 s2 ng
    SSLKEYLOGFILE="$work/server.keys" gtlsserver -q --qlog-dir="$out/qlog" -d "$work/htdocs" $NOGSO 127.0.0.1 4501 "$work/key.pem" "$work/cert.pem" >/dev/null 2>"$work/server.err" &
    s1=$!; pids+=("$s1")
    SSLKEYLOGFILE="$work/server2.keys" gtlsserver -q --qlog-dir="$out/qlog" -d "$work/htdocs" $NOGSO 127.0.0.1 4502 "$work/key.pem" "$work/cert.pem" >/dev/null 2>>"$work/server.err" &
    s2=$!; pids+=("$s2")
    nginx -p "$work" -c "$conf" &
    ng=$!; pids+=("$ng"); sleep 0.5
    client 127.0.0.1 "$URL" --change-local-addr=30ms --delay-stream=60ms --timeout=3s
    sleep 2
    kill "$ng" "$s1" "$s2" "$tcpdump_pid" 2>/dev/null || true
    wait "$ng" "$s1" "$s2" "$tcpdump_pid" 2>/dev/null || true
    cat "$work"/client.keys "$work"/server.keys "$work"/server2.keys 2>/dev/null | sort -u > "$out/keys.log" || true
    rm -f "$work"/client.keys "$work"/server.keys "$work"/server2.keys
    # moved when both servers received packets from nginx
    if [ "$(tcpdump -r "$out/nginx-lb.pcap" -n 'udp dst port 4501' 2>/dev/null | wc -l)" -gt 0 ] \
      && [ "$(tcpdump -r "$out/nginx-lb.pcap" -n 'udp dst port 4502' 2>/dev/null | wc -l)" -gt 0 ]; then
      echo "nginx-lb: $(du -h "$out/nginx-lb.pcap" | cut -f1), the migration reached the other server (attempt $attempt)"
      return
    fi
  done
  echo "record.sh: nginx-lb: the migration kept its server in 8 attempts" >&2
}

# a path with real delay and loss: three network namespaces, client — router — server,
# joined by two veth pairs (10.78.1.0/24 on the client side, 10.78.2.0/24 on the server
# side). The router forwards; each direction gets its own delay and loss. tcpdump runs in the
# router on the server-facing interface. The kernel taps a packet arriving on an interface
# before anything can drop it, and a packet leaving by one only after it was forwarded: so a
# server packet is always captured (on arrival) and may be dropped on its way on to the
# client (lost after the capture point), while a client packet dropped in the router is never
# captured (lost before it).
# The delay and loss would be `tc qdisc add dev ... root netem delay 15ms loss 2%` on the
# router's two egress interfaces, but the kernel that recorded them has no netem
# (CONFIG_NET_SCH_NETEM unset), nor nftables' queue (CONFIG_NFT_QUEUE): iptables' NFQUEUE
# target hands each forwarded packet (one queue per direction) to nfqueue-path.py, which
# drops some at random and lets the rest go after the delay. Same place in the path as
# netem on egress, so the capture sees the same.
# usage: netem_path NAME DELAY_MS LOSS FILE NSTREAMS [client options...]   (LOSS: 0.02 = 2%)
netem_path() {
  local name=$1 delay=$2 loss=$3 file=$4 nstreams=$5; shift 5
  command -v iptables-legacy >/dev/null || { echo "record.sh: iptables-legacy is missing (apt-get install iptables)" >&2; return 1; }
  command -v python3 >/dev/null || { echo "record.sh: python3 is missing (apt-get install python3)" >&2; return 1; }
  local c=ql-nc r=ql-nr s=ql-ns ns
  for ns in $c $r $s; do ip netns del $ns 2>/dev/null || true; ip netns add $ns; namespaces+=("$ns"); done
  ip link add ql-c0 type veth peer name ql-rc; ip link add ql-rs type veth peer name ql-s0
  ip link set ql-c0 netns $c; ip link set ql-rc netns $r; ip link set ql-rs netns $r; ip link set ql-s0 netns $s
  ip -n $c addr add 10.78.1.2/24 dev ql-c0; ip -n $r addr add 10.78.1.1/24 dev ql-rc
  ip -n $r addr add 10.78.2.1/24 dev ql-rs; ip -n $s addr add 10.78.2.2/24 dev ql-s0
  for dev in lo ql-c0; do ip -n $c link set $dev up; done
  for dev in lo ql-rc ql-rs; do ip -n $r link set $dev up; done
  for dev in lo ql-s0; do ip -n $s link set $dev up; done
  ip -n $c route add default via 10.78.1.1; ip -n $s route add default via 10.78.2.1
  ip netns exec $r sysctl -qw net.ipv4.ip_forward=1
  # queue 0: client to server (arrives on ql-rc); queue 1: server to client (arrives on ql-rs)
  ip netns exec $r iptables-legacy -A FORWARD -i ql-rc -j NFQUEUE --queue-num 0
  ip netns exec $r iptables-legacy -A FORWARD -i ql-rs -j NFQUEUE --queue-num 1
  # real-time priority where it can have it: on a busy machine the relay is otherwise
  # scheduled late, and each wait adds to the path's delay
  local rt=(); chrt -f 50 true 2>/dev/null && rt=(chrt -f 50)
  ip netns exec $r "${rt[@]}" python3 "$here/nfqueue-path.py" --queue "0:$delay:$loss" --queue "1:$delay:$loss" \
    --stats "$work/path.stats" >"$work/path.out" 2>"$work/path.err" &
  local path_pid=$!; pids+=("$path_pid")
  for _ in $(seq 50); do grep -q ready "$work/path.out" 2>/dev/null && break; sleep 0.1; done
  # without it every forwarded packet would wait in a queue nobody reads
  grep -q ready "$work/path.out" 2>/dev/null || { echo "record.sh: nfqueue-path.py did not start: $(cat "$work/path.err")" >&2; return 1; }

  out="$here/$name"; rm -rf "$out"; mkdir -p "$out/qlog"
  ip netns exec $r tcpdump -i ql-rs -B 65536 -U --immediate-mode -s 0 -w "$out/$name.pcap" "udp port $PORT" 2>"$work/tcpdump.err" &
  tcpdump_pid=$!; pids+=("$tcpdump_pid"); sleep 1
  SSLKEYLOGFILE="$work/server.keys" ip netns exec $s gtlsserver -q --qlog-dir="$out/qlog" -d "$work/htdocs" $NOGSO \
    10.78.2.2 "$PORT" "$work/key.pem" "$work/cert.pem" >/dev/null 2>"$work/server.err" &
  server_pid=$!; pids+=("$server_pid"); sleep 0.5
  SSLKEYLOGFILE="$work/client.keys" ip netns exec $c timeout 30 gtlsclient -q --qlog-dir="$out/qlog" --exit-on-all-streams-close \
    -n "$nstreams" "$@" 10.78.2.2 "$PORT" "https://localhost:$PORT/$file" >/dev/null 2>>"$work/client.err" \
    || echo "record.sh: client exited $? in $name" >&2
  finish
  kill "$path_pid" 2>/dev/null || true; wait "$path_pid" 2>/dev/null || true
  # queue 0 is client to server, queue 1 server to client
  echo "$name: path: $(tr '\n' ';' < "$work/path.stats")"
  # datagrams an endpoint's kernel dropped because its socket's receive buffer was full:
  # losses the relay did not make, after the capture point for the client
  for ns in $c $s; do
    echo "$name: $ns UDP receive buffer errors: $(ip netns exec $ns awk '/^Udp: [0-9]/ {print $6}' /proc/net/snmp)"
  done
  for ns in $c $r $s; do ip netns del $ns; done
}
# eight concurrent requests for a 200 KB file over a path with 15 ms delay and 2% loss each way
scenario_netem_loss() { netem_path netem-loss 15 0.02 file.bin 8; }
# the same path without loss: clean RTT samples
scenario_netem_delay() { netem_path netem-delay 15 0 file.bin 8 --max-data=64K --max-window=64K; }
# head-of-line blocking confined to one stream: four requests for a 40 KB file over the lossy
# path. ngtcp2's server sends the responses one after another (stream 0's, then 4's, ...),
# so a loss blocks only the stream it hit while the next stream's data keeps arriving when
# the loss falls near the end of a response; recorded again until hol-check.py finds such a
# gap in the client's qlog (another stream delivered in order while it was open)
scenario_netem_hol() {
  head -c 40000 /dev/urandom > "$work/htdocs/hol.bin"
  local attempt
  for attempt in 1 2 3 4 5 6 7 8; do
    netem_path netem-hol 15 0.03 hol.bin 4
    if python3 "$here/hol-check.py" "$here/netem-hol/qlog"; then echo "netem-hol: kept attempt $attempt"; return; fi
  done
  echo "record.sh: netem-hol: no loss blocked one stream while another delivered, in 8 attempts" >&2
}

all=(handshake retry version_negotiation compat_vn zero_rtt zero_rtt_post migration nat_rebinding preferred_address key_update loss chacha20 aes256 aes128_ccm ipv6 multi gso v2_draft linux_cooked kernel_drops gap chromium chromium_gso wifi_to_lte proxy_legs nginx_lb netem_loss netem_delay netem_hol)
[ $# -gt 0 ] && all=("${@//-/_}")
for s in "${all[@]}"; do "scenario_$s"; done

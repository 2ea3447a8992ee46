import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QuicListener } from '../../src/lb/model.js';
import { readLbConfig, sniffConfigKind } from '../../src/lb/read-config.js';
import { breaksMigration, judge } from '../../src/lb/verdicts.js';
import { errorOf } from '../support/input-error.js';

const own = (f: string) => join(__dirname, 'configs', f);
const thirdParty = (f: string) => join(__dirname, '../fixtures/lbconfigs', f);

function only(file: string, opts = {}): QuicListener {
  const c = readLbConfig(file, opts);
  expect(c.listeners).toHaveLength(1);
  return c.listeners[0]!;
}


describe('real configs from public repositories (test/fixtures/lbconfigs)', () => {
  it('Envoy terminating HTTP/3: one QUIC listener that routes by connection ID among workers', () => {
    const l = only(thirdParty('envoy-http3-downstream.yaml'));
    expect(l.kind).toBe('envoy-quic');
    expect(l.listen).toBe('0.0.0.0:10000');
    expect(l.location.line).toBe(55); // `- name: listener_udp`
    expect(l.routingKey).toBe('connection_id');
    expect(judge(l).verdicts).toEqual({ portChange: 'survives', addressChange: 'survives', preferredAddress: 'survives' });
  });

  it('Envoy UDP proxy, round robin, no hash policy: a new session per 4-tuple, so any move breaks', () => {
    const l = only(thirdParty('envoy-udp-proxy.yaml'));
    expect(l.kind).toBe('envoy-udp-proxy');
    expect(l.routingKey).toBe('four_tuple');
    expect(l.backends.map((b) => b.address)).toEqual(['service-udp:5005']);
    // one backend: every packet reaches it, so nothing breaks
    expect(breaksMigration(judge(l).verdicts)).toBe(false);
    expect(judge(l).reasons[0]).toMatch(/one backend \(service-udp:5005\)/);
    expect(l.sticky).toMatchObject({ key: 'four_tuple', seconds: 60 });
  });

  it('HAProxy bind quic4@:443: a QUIC terminator whose threads route by connection ID', () => {
    const l = only(thirdParty('haproxy-quic-frontend.cfg'));
    expect(l.kind).toBe('haproxy-quic');
    expect(l.listen).toBe('0.0.0.0:443');
    expect(l.location.line).toBe(6);
    expect(l.routingKey).toBe('connection_id');
    expect(l.terminates).toBe(true);
  });

  it('HAProxy 2.8 and later refuse migration and drop datagrams from a new address or port, so even NAT rebinding breaks', () => {
    const l = only(thirdParty('haproxy-quic-frontend.cfg'));
    const { verdicts, reasons } = judge(l);
    expect(verdicts).toMatchObject({ portChange: 'breaks', addressChange: 'breaks' });
    expect(reasons.join(' ')).toMatch(/disable_active_migration/);
    expect(reasons.join(' ')).toMatch(/NAT rebinding/);
    expect(l.advice).toMatch(/no directive/);
  });

  it('the HAProxy version decides: 2.6 has no migration handling, before 2.6 no QUIC to speak of', () => {
    const file = thirdParty('haproxy-quic-frontend.cfg');
    const v26 = readLbConfig(file, { haproxyVersion: '2.6.12' }).listeners[0]!;
    expect(v26.migrationDisabled).toBeUndefined();
    expect(v26.notes.join(" ")).toMatch(/HAProxy 2\.6\.12 has no migration handling/);
    expect(judge(v26).verdicts.portChange).toBe('breaks');
    const v24 = readLbConfig(file, { haproxyVersion: '2.4' }).listeners[0]!;
    expect(v24.notes.join(' ')).toMatch(/no production QUIC/);
    const v30 = readLbConfig(file, { haproxyVersion: '3.0.5' }).listeners[0]!;
    expect(v30.migrationDisabled).toMatch(/HAProxy 3\.0\.5 sends disable_active_migration/);
  });
});

describe('nginx', () => {
  it('stream round robin: four_tuple sessions, port and address change break, advice names hash', () => {
    const l = only(own('nginx-stream-rr.conf'));
    expect(l).toMatchObject({ kind: 'nginx-stream-udp', listen: '0.0.0.0:443', routingKey: 'four_tuple', location: { line: 8 } });
    expect(l.sticky).toMatchObject({ key: 'four_tuple', seconds: 600, source: 'proxy_timeout default 10m' });
    expect(judge(l).verdicts).toEqual({ portChange: 'breaks', addressChange: 'breaks', preferredAddress: 'conditional' });
    expect(l.advice).toMatch(/hash \$remote_addr consistent/);
  });

  it('stream hash $remote_addr consistent: survives a port change, not an address change; backup not counted', () => {
    const l = only(own('nginx-stream-hash-addr.conf'));
    expect(l.routingKey).toBe('source_address');
    expect(l.choice).toEqual({ algorithm: 'nginx_chash', key: '$remote_addr' });
    expect(l.backends).toEqual([
      expect.objectContaining({ address: '10.0.0.1:443', weight: 2 }),
      expect.objectContaining({ address: '10.0.0.2:443', weight: 1 }),
    ]);
    expect(l.sticky?.seconds).toBe(30);
    expect(judge(l).verdicts).toEqual({ portChange: 'survives', addressChange: 'breaks', preferredAddress: 'conditional' });
  });

  it('follows include with a pattern; quic_bpf on with reuseport routes by connection ID', () => {
    const c = readLbConfig(own('nginx-include/nginx.conf'));
    expect(c.listeners).toHaveLength(1);
    const l = c.listeners[0]!;
    expect(l.location.file).toMatch(/conf\.d\/site\.conf$/);
    expect(l.location.line).toBe(2);
    expect(l).toMatchObject({ kind: 'nginx-http3', routingKey: 'connection_id', terminates: true });
  });

  it('several workers with reuseport and no quic_bpf: the kernel hashes the 4-tuple', () => {
    const c = readLbConfig(own('nginx-http3-no-bpf.conf'));
    expect(c.listeners.map((l) => l.listen)).toEqual(['0.0.0.0:443', '[::]:443']);
    for (const l of c.listeners) {
      expect(l.routingKey).toBe('four_tuple');
      expect(l.advice).toMatch(/quic_bpf on;/);
      expect(breaksMigration(judge(l).verdicts)).toBe(true);
    }
  });

  it('an unclosed block is an error naming file, line and column', () => {
    const e = errorOf(() => readLbConfig(own('nginx-broken.conf')));
    expect(e.issue.file).toMatch(/nginx-broken\.conf$/);
    expect(e.issue.line).toBe(1);
    expect(e.issue.column).toBe(1);
    expect(e.message).toMatch(/block 'stream' is never closed/);
  });
});

describe('IPVS (ipvsadm-save)', () => {
  const c = readLbConfig(own('ipvs-rules.txt'));
  it('reads the UDP services only, with their real servers', () => {
    expect(c.kind).toBe('ipvs');
    expect(c.listeners.map((l) => l.listen)).toEqual(['192.0.2.10:443', '192.0.2.11:443', '192.0.2.12:443']);
    expect(c.listeners[1]!.backends.map((b) => [b.address, b.weight])).toEqual([
      ['10.0.0.1:443', 1],
      ['10.0.0.2:443', 2],
    ]);
  });
  it('sh with sh-port hashes address and port; mh hashes the address; rr with persistence is conditional', () => {
    const [sh, mh, rr] = c.listeners as [QuicListener, QuicListener, QuicListener];
    expect(sh.routingKey).toBe('source_address_port');
    expect(sh.choice).toEqual({ algorithm: 'ipvs_sh', port: true });
    expect(judge(sh).verdicts.portChange).toBe('breaks');
    expect(mh.choice).toEqual({ algorithm: 'ipvs_mh', port: false });
    expect(judge(mh).verdicts).toMatchObject({ portChange: 'survives', addressChange: 'breaks' });
    expect(rr.routingKey).toBe('source_address');
    expect(judge(rr).verdicts.portChange).toBe('conditional');
    expect(judge(rr).reasons.join(' ')).toMatch(/600 s/);
  });
});

describe('Kubernetes Services', () => {
  const c = readLbConfig(own('k8s-services.yaml'));
  it('one listener per UDP port, TCP ports left out, at the port entry line', () => {
    expect(c.listeners.map((l) => l.listen)).toEqual(['web/h3:443', 'h3-sticky:443']);
    expect(c.listeners[0]!.location.line).toBe(14);
  });
  it('no affinity breaks a port change; ClientIP affinity keeps it while the entry lives', () => {
    const [plain, sticky] = c.listeners as [QuicListener, QuicListener];
    expect(judge(plain).verdicts.portChange).toBe('breaks');
    expect(sticky.routingKey).toBe('source_address');
    expect(judge(sticky).verdicts).toMatchObject({ portChange: 'conditional', addressChange: 'breaks' });
    expect(sticky.sticky?.seconds).toBe(600);
  });
});

describe('Envoy UDP proxy with a source_ip hash and Maglev', () => {
  it('routes by source address, with the idle timeout read', () => {
    const l = only(own('envoy-udp-maglev.yaml'));
    expect(l.routingKey).toBe('source_address');
    expect(l.sticky).toMatchObject({ seconds: 120 });
    expect(judge(l).verdicts).toMatchObject({ portChange: 'survives', addressChange: 'breaks' });
  });
});

describe('Envoy QUIC listener in JSON, with the QUIC-LB CID generator and send_disable_active_migration', () => {
  it('routes by QUIC-LB server ID, but tells clients not to migrate: an address change breaks, at the listener line', () => {
    const l = only(own('envoy-quic-lb.json'));
    expect(l).toMatchObject({ kind: 'envoy-quic', routingKey: 'quic_lb_server_id', location: { line: 4 } });
    expect(l.migrationDisabled).toMatch(/send_disable_active_migration/);
    expect(judge(l).verdicts).toEqual({ portChange: 'survives', addressChange: 'breaks', preferredAddress: 'survives' });
    expect(l.advice).toMatch(/remove `send_disable_active_migration: true`/);
  });
});

describe('nginx hash keys that change per session, hold nothing of the client, or hide a value', () => {
  const [byTime, fixed, byHost] = readLbConfig(own('nginx-stream-keys.conf')).listeners as [QuicListener, QuicListener, QuicListener];
  it('$msec changes from one UDP session to the next: per flow, every move breaks', () => {
    expect(byTime.routingKey).toBe('four_tuple');
    expect(byTime.choice.algorithm).toBe('opaque');
    expect(byTime.notes.join(' ')).toMatch(/\$msec, which may change/);
  });
  it('$server_addr alone: every session hashes to one server, so every move survives', () => {
    expect(fixed.oneBackend).toMatch(/holds nothing of the client/);
    expect(judge(fixed).verdicts).toEqual({ portChange: 'survives', addressChange: 'survives', preferredAddress: 'survives' });
  });
  it('$hostname is fixed but unknown here: routed by address, the backend not computed', () => {
    expect(byHost.routingKey).toBe('source_address');
    expect(byHost.choice.algorithm).toBe('opaque');
  });
});

describe('the random key: nothing stable picks the backend or worker', () => {
  it('Envoy use_per_packet_load_balancing balances each datagram on its own', () => {
    const l = only(own('envoy-per-packet.yaml'));
    expect(l).toMatchObject({ kind: 'envoy-udp-proxy', routingKey: 'random', location: { line: 4 } });
    expect(judge(l).verdicts).toEqual({ portChange: 'breaks', addressChange: 'breaks', preferredAddress: 'conditional' });
    expect(l.advice).toMatch(/remove `use_per_packet_load_balancing`/);
  });
  it('nginx with two workers on one socket (no reuseport): any worker may read a packet', () => {
    const l = only(own('nginx-http3-shared-socket.conf'));
    expect(l).toMatchObject({ kind: 'nginx-http3', routingKey: 'random', terminates: true, location: { line: 6 } });
    expect(breaksMigration(judge(l).verdicts)).toBe(true);
    expect(l.advice).toMatch(/reuseport/);
  });
});

describe('QUIC-LB files', () => {
  it('routes by server ID, survives every move, servers mapped to backends', () => {
    const l = only(own('quic-lb.yaml'));
    expect(l.routingKey).toBe('quic_lb_server_id');
    expect(l.backends.map((b) => [b.serverId, b.address])).toEqual([
      ['c4605e', '10.0.0.1:443'],
      ['d2e9a1', '10.0.0.2:443'],
      ['ed793a', '10.0.0.1:443'],
    ]);
    expect(breaksMigration(judge(l).verdicts)).toBe(false);
  });
  it('a nonce shorter than the draft allows is an error at that configuration', () => {
    const e = errorOf(() => readLbConfig(own('quic-lb-bad.yaml')));
    expect(e.issue.line).toBe(4);
    expect(e.message).toMatch(/nonce/i);
  });
});

describe('kind detection', () => {
  it('by content, not by name', () => {
    expect(sniffConfigKind('-A -u 1.2.3.4:443 -s rr\n')).toBe('ipvs');
    expect(sniffConfigKind('stream {\n server { listen 443 udp; }\n}\n')).toBe('nginx');
    expect(sniffConfigKind('frontend f\n  bind quic4@:443\n')).toBe('haproxy');
    expect(sniffConfigKind('{"static_resources": {}}')).toBe('envoy');
    expect(sniffConfigKind('hello')).toBeUndefined();
  });
  it('an unknown file is an error that names the kinds', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'quiclens-lb-')), 'notes.txt');
    writeFileSync(file, 'upstreams: ask the network team\n');
    const e = errorOf(() => readLbConfig(file));
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/--kind/);
  });
});

describe('what nginx itself refuses', () => {
  it('a server weight of 0 is an error at its line and column, as nginx -t reports it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'quiclens-lb-')), 'weight.conf');
    writeFileSync(file, 'stream {\n upstream u { hash $remote_addr; server 10.0.0.1:1 weight=0; }\n server { listen 443 udp; proxy_pass u; }\n}\n');
    const e = errorOf(() => readLbConfig(file));
    expect(e.message).toBe(`${file} (line 2, column 34): invalid server weight '0': nginx expects a whole number of 1 or more`);
  });
});

describe('configs that cannot be what they are read as', () => {
  const write = (name: string, text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'quiclens-lb-')), name);
    writeFileSync(file, text);
    return file;
  };
  it('--kind haproxy or quic-lb on an nginx config: an error, not an empty pass', () => {
    expect(errorOf(() => readLbConfig(own('nginx-stream-rr.conf'), { kind: 'haproxy' })).message).toMatch(/expected an HAProxy config/);
    expect(errorOf(() => readLbConfig(own('nginx-stream-rr.conf'), { kind: 'quic-lb' })).message).toMatch(/expected a QUIC-LB file|not valid YAML/);
  });
  it("a stream server whose listen swallowed the next line (a ';' left out) is an error at that listen", () => {
    const file = write('nosemi.conf', 'stream {\n    server {\n        listen 443 udp\n        proxy_pass backend;\n    }\n}\n');
    expect(errorOf(() => readLbConfig(file)).message).toBe(`${file} (line 3, column 9): a stream server listening on UDP needs proxy_pass; its listen reads '443 udp proxy_pass backend' (a ';' missing?)`);
  });
  it('a QUIC-LB configuration without servers is an error, not a listener that survives everything', () => {
    const file = write('noservers.yaml', 'kind: quic-lb\nlisten: 0.0.0.0:443\nconfigs:\n  - configId: 0\n    serverIdLength: 3\n    nonceLength: 4\n');
    expect(errorOf(() => readLbConfig(file)).message).toMatch(/line 4, column 5\): configuration 0 has no servers/);
  });
  it('hostile files: deep nesting and a YAML alias bomb are errors, not crashes', () => {
    const deep = write('deep.conf', `${'stream { '.repeat(5000)}${'} '.repeat(5000)}`);
    expect(errorOf(() => readLbConfig(deep)).message).toMatch(/nested more than 64 deep/);
    const aliases = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [*${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}]`)];
    const bomb = write('bomb.yaml', `static_resources: {}\n${aliases.join('\n')}\n`);
    expect(errorOf(() => readLbConfig(bomb, { kind: 'envoy' })).message).toMatch(/cannot read this YAML/);
  });
  it('HAProxy before 2.6 has no QUIC: its binds break every move', () => {
    const l = readLbConfig(thirdParty('haproxy-quic-frontend.cfg'), { haproxyVersion: '2.4' }).listeners[0]!;
    expect(judge(l).verdicts).toMatchObject({ portChange: 'breaks', addressChange: 'breaks' });
  });
});

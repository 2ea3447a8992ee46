import { describe, expect, it } from 'vitest';
import type { LbConfig } from '../../src/lb/model.js';
import { splitByQuicPort } from '../../src/lb/quic-ports.js';
import { testListener } from '../support/lb-listener.js';


describe('splitByQuicPort: which listeners can carry QUIC', () => {
  const config: LbConfig = {
    file: 'lb.conf',
    kind: 'nginx',
    listeners: [
      testListener('nginx-stream-udp', '0.0.0.0:443'),
      testListener('nginx-stream-udp', '0.0.0.0:53'),
      testListener('nginx-http3', '0.0.0.0:8443', { terminates: true }),
      testListener('quic-lb', '0.0.0.0:4433'),
      testListener('kubernetes-service', 'edge:9000', { saysQuic: "the port is labelled 'h3'" }),
      testListener('ipvs-udp', '10.0.0.1:4433'),
      testListener('ipvs-udp', 'vip'),
    ],
  };

  it('judges UDP on the QUIC ports and listeners that are QUIC by their own words; skips the rest with why', () => {
    const { configs, skipped } = splitByQuicPort([config], [443]);
    expect(configs[0]!.listeners.map((l) => l.listen)).toEqual(['0.0.0.0:443', '0.0.0.0:8443', '0.0.0.0:4433', 'edge:9000']);
    expect(skipped.map((s) => [s.listener.listen, s.reason])).toEqual([
      ['0.0.0.0:53', 'a UDP listener on port 53, not a QUIC port: QUIC is judged on port 443; add --quic-port 53 if QUIC runs there'],
      ['10.0.0.1:4433', 'a UDP listener on port 4433, not a QUIC port: QUIC is judged on port 443; add --quic-port 4433 if QUIC runs there'],
      ['vip', 'a UDP listener whose port the config does not give; QUIC is judged on port 443 (--quic-port)'],
    ]);
  });

  it('a listener a replayed capture reached carries QUIC, whatever its port', () => {
    const { configs } = splitByQuicPort([config], [443, 8443], new Set(['10.0.0.1:4433']));
    expect(configs[0]!.listeners.map((l) => l.listen)).toContain('10.0.0.1:4433');
  });

  it('leaves the configs given untouched', () => {
    splitByQuicPort([config], [443]);
    expect(config.listeners).toHaveLength(7);
  });
});

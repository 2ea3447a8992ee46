import type { QuicListener } from '../../src/lb/model.js';

/** a listener as the readers build one, routed at random to no backends, with `extra` over it */
export function testListener(kind: string, listen: string, extra: Partial<QuicListener> = {}): QuicListener {
  return {
    location: { file: 'lb.conf', line: 1 },
    kind,
    listen,
    routingKey: 'four_tuple',
    backends: [],
    choice: { algorithm: 'opaque', name: 'random' },
    terminates: false,
    notes: [],
    advice: '',
    ...extra,
  };
}

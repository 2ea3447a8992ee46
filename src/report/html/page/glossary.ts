import { h } from './dom.js';

/** the words a learner meets on the ladder, explained in our own words */
const TERMS: [string, string][] = [
  [
    'DCID (Destination Connection ID)',
    'The label a packet carries so that its receiver knows which connection it belongs to. Each side picks the IDs it wants to receive, so the client writes the server’s choice and the server the client’s. Because the ID, not the address, names the connection, a client can change address and keep its connection.',
  ],
  [
    'Packet number spaces',
    'QUIC counts packets in three separate sequences: Initial, Handshake and application data (0-RTT and 1-RTT share the last). Each space has its own keys and its own acknowledgements, so a packet number only means something together with its space.',
  ],
  [
    'Key phase',
    'A bit in every 1-RTT packet that says which generation of keys sealed it. When a side moves to fresh keys it flips the bit; the peer sees the flip and follows. Long connections renew keys this way without a new handshake.',
  ],
  [
    '0-RTT',
    'Data a returning client sends in its very first flight, before the handshake ends, using secrets kept from an earlier session. It saves a round trip, but the server cannot tell a replayed copy from the original, so only requests that are safe to repeat belong there.',
  ],
  [
    '0.5-RTT',
    'Data the server sends right after its part of the handshake, before it has heard the client finish. The server already has 1-RTT keys at that point, so it can start answering half a round trip early, but it does not yet know that the client is who it claims to be.',
  ],
  [
    'Initial, Handshake, 1-RTT',
    'The three kinds of keys a connection goes through. Initial keys come from the first DCID and protect nothing secret; Handshake keys come from the TLS key exchange; 1-RTT keys protect the application data once the handshake is done.',
  ],
];

export function glossary(): HTMLElement {
  return h(
    'aside',
    { class: 'glossary', 'data-testid': 'glossary', hidden: true, 'aria-label': 'glossary' },
    h('h4', {}, 'Glossary'),
    h('dl', {}, ...TERMS.flatMap(([term, text]) => [h('dt', {}, term), h('dd', {}, text)])),
  );
}

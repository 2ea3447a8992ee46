import { describe, expect, it } from 'vitest';
import { jsonListsText, type JsonLists } from '../../src/report/json-stream.js';

// a document shaped as summary's: lists of objects nested a few deep, strings with line
// breaks and quotes (escaped in JSON, never a raw line break), empty lists, an undefined item
const connection = (id: number) => ({
  id,
  sni: id === 2 ? 'a\nb "quoted"' : null,
  handshake: { events: [{ time: 0.001 * id, event: 'client_initial' }], zeroRtt: { requests: [] } },
  cids: ['00ff', 'abcd'],
  log: undefined,
  nested: { empty: {}, list: [[1, 2], []] },
});

function doc() {
  return {
    inputs: [{ path: 'x.pcap', format: 'pcap', records: 3 }],
    connections: [connection(1), connection(2), connection(3)],
    findings: [],
    unjudged: [undefined, { code: 'c', reason: 'r' }],
  };
}

function lists(d: ReturnType<typeof doc>): JsonLists {
  return Object.entries(d).map(([k, v]) => [k, v] as const);
}

describe('a document of lists written one item at a time (summary --format json)', () => {
  it('prints what JSON.stringify(doc, null, 2) prints, byte for byte', () => {
    expect([...jsonListsText(lists(doc()), true)].join('')).toBe(JSON.stringify(doc(), null, 2));
  });

  it('prints what JSON.stringify(doc) prints without indent (ndjson)', () => {
    expect([...jsonListsText(lists(doc()), false)].join('')).toBe(JSON.stringify(doc()));
  });

  it('an empty list is [] and a document of no fields is {}, as JSON.stringify prints them', () => {
    const d = { inputs: [], connections: [] };
    expect([...jsonListsText(lists(d as never), true)].join('')).toBe(JSON.stringify(d, null, 2));
    expect([...jsonListsText([], true)].join('')).toBe(JSON.stringify({}, null, 2));
  });

  it('builds each item only when its text is asked for: one item held at a time', () => {
    let made = 0;
    function* items() {
      for (let i = 1; i <= 1000; i++) {
        made++;
        yield connection(i);
      }
    }
    const pieces = jsonListsText([['connections', items()]], true);
    let most = 0;
    let printed = 0;
    for (const piece of pieces) {
      if (piece.startsWith('    {')) printed++;
      // the items made so far never run ahead of the ones printed by more than the one being printed
      most = Math.max(most, made - printed);
    }
    expect(made).toBe(1000);
    expect(printed).toBe(1000);
    expect(most).toBeLessThanOrEqual(1);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES, TABLE_NAMES, columnName, columnValue, tableOf } from '../../src/store/table-schema.js';
import { REPO } from '../support/captures.js';

/** docs/tables.md's column table for each table: name, type and JSON field, as the doc writes them */
function documented(): Map<string, string[][]> {
  const doc = readFileSync(join(REPO, 'docs', 'tables.md'), 'utf8');
  const schema = doc.split('\n## Schema\n')[1]!.split('\n## ')[0]!;
  const tables = new Map<string, string[][]>();
  for (const section of schema.split('\n### ').slice(1)) {
    const name = section.split('\n')[0]!.trim();
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    tables.set(
      name,
      rows.map((l) => {
        const cells = l.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
        return [cells[0]!.replace(/`/g, ''), cells[1]!, cells[3]!.replace(/`/g, '')];
      }),
    );
  }
  return tables;
}

describe('docs/tables.md', () => {
  it('documents every table and column of the schema, with its type and the JSON field it mirrors', () => {
    const doc = documented();
    expect([...doc.keys()]).toEqual([...TABLE_NAMES]);
    for (const t of TABLES) {
      const want = t.columns.map((c) => [c.name, c.type, c.mirrors === null ? '–' : c.mirrors === '' ? '(the whole object)' : c.mirrors]);
      expect(doc.get(t.name), t.name).toEqual(want);
    }
  });
});

describe('the schema', () => {
  it('names a nested JSON field by its path in camelCase', () => {
    expect(columnName('handshake.zeroRtt.accepted')).toBe('handshakeZeroRttAccepted');
    expect(tableOf('connections').columns.map((c) => c.name)).toContain('handshakeDurationMs');
  });

  it('has no column name twice in a table', () => {
    for (const t of TABLES) expect(new Set(t.columns.map((c) => c.name)).size, t.name).toBe(t.columns.length);
  });

  it('reads an unknown as null, never as 0 or false, and a packet not decrypted as false with its reason', () => {
    const packets = tableOf('packets');
    const row = { frame: 3, pn: null, decrypted: 'no keys', frames: [] };
    const ctx = { captureId: 'c', seq: 1 };
    const value = (name: string) => columnValue(packets.columns.find((c) => c.name === name)!, row, ctx);
    expect(value('pn')).toBeNull();
    expect(value('keyPhase')).toBeNull();
    expect(value('decrypted')).toBe(false);
    expect(value('decryptedReason')).toBe('no keys');
    expect(value('frameTypes')).toEqual([]);
    const connections = tableOf('connections');
    const conn = { handshake: { complete: null, durationMs: null, facts: { durationMs: { evidence: 'unknown', reason: 'encrypted' } } } };
    const cv = (name: string) => columnValue(connections.columns.find((c) => c.name === name)!, conn, ctx);
    expect(cv('handshakeComplete')).toBeNull();
    expect(cv('handshakeDurationMs')).toBeNull();
    expect(cv('handshakeFactsDurationMsReason')).toBe('encrypted');
  });
});

import { isCollection, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { InputError } from '../wire/input-issue.js';
import type { SourceLocation } from './model.js';

export type YamlPath = readonly (string | number)[];

/** One YAML (or JSON: YAML 1.2 reads it too) document, with the line of any node in it. */
export interface YamlDocument {
  value: unknown;
  /** where the node at `path` starts; the nearest ancestor's place when the path is absent */
  at(path: YamlPath): SourceLocation;
}

/**
 * Every document of a YAML or JSON file (Kubernetes manifests hold several, `---`
 * separated). A syntax error names the file, line and column.
 */
export function readYamlDocuments(file: string, text: string): YamlDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const out: YamlDocument[] = [];
  for (const doc of list as Document.Parsed[]) {
    const err = doc.errors[0];
    if (err) {
      const pos = lines.linePos(err.pos[0]);
      throw new InputError({ file, line: pos.line, column: pos.col, message: `not valid YAML/JSON: ${err.message.split('\n')[0]}`, fatal: true });
    }
    const place = (offset: number): SourceLocation => {
      const pos = lines.linePos(offset);
      return { file, line: pos.line, column: pos.col };
    };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // an alias bomb, or nesting too deep to build: the file is not a config to trust
      throw new InputError({ file, line: 1, column: 1, message: `cannot read this YAML: ${(err as Error).message.split('\n')[0]}`, fatal: true });
    }
    out.push({
      value,
      at(path) {
        let node: unknown = doc.contents;
        let offset = doc.contents?.range?.[0] ?? 0;
        for (const key of path) {
          if (!isCollection(node)) break;
          const next = node.get(key, true) as { range?: [number, number, number] } | undefined;
          if (!next) break;
          // a scalar found by key: its own place; the pair's key would be one line up for block maps
          if (next.range) offset = next.range[0];
          node = next;
        }
        return place(offset);
      },
    });
  }
  return out;
}

/**
 * The documents of a file that are mappings, each with its root; an error naming what was
 * expected when none is one that `belongs` (a file of another kind read with --kind).
 */
export function readYamlMappings(
  file: string,
  text: string,
  expected: string,
  belongs: (root: Record<string, unknown>) => boolean = () => true,
): { doc: YamlDocument; root: Record<string, unknown> }[] {
  const mappings = readYamlDocuments(file, text).flatMap((doc) => {
    const root = asRecord(doc.value);
    return root ? [{ doc, root }] : [];
  });
  if (!mappings.some((m) => belongs(m.root))) throw new InputError({ file, line: 1, column: 1, message: `expected ${expected}`, fatal: true });
  return mappings;
}

/** a plain object, or undefined: config trees are walked without trusting their shape */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

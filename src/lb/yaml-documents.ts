import type { Document } from 'yaml';
import { lazyPackage } from '../wire/lazy-package.js';

const yaml = lazyPackage<typeof import('yaml')>('yaml');
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
 * The largest YAML or JSON config read. The yaml package builds a node tree of every
 * document, kept for the line numbers of findings: about 80 bytes of memory and several
 * microseconds per byte of text, so a bound keeps `lb check` within seconds and a few
 * hundred MiB (docs/lb/README.md).
 */
export const MAX_YAML_BYTES = 8 * 1024 * 1024;

/**
 * Every document of a YAML or JSON file (Kubernetes manifests hold several, `---`
 * separated). A syntax error names the file, line and column.
 */
export function readYamlDocuments(file: string, text: string): YamlDocument[] {
  if (text.length > MAX_YAML_BYTES) {
    throw new InputError({
      file,
      message: `a YAML/JSON config of ${text.length} characters is more than the ${MAX_YAML_BYTES} quiclens reads: check it in parts (for Kubernetes, one namespace at a time)`,
      fatal: true,
    });
  }
  const lines = new (yaml().LineCounter)();
  // the package's warnings (unknown tags, collection keys) go to process warnings by default:
  // they would reach stderr in its words, so they are silenced; errors are ours to tell
  const docs = yaml().parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, logLevel: 'error' });
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
          if (!yaml().isCollection(node)) break;
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

/**
 * A config value as text for a message: a string, or a finite number or boolean written
 * out; undefined for a mapping, a list, null or NaN, so that no `[object Object]` or
 * `undefined` reaches the user.
 */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** a finite, non-negative number from a config value (a number or numeric text); undefined otherwise */
export function nonNegativeNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

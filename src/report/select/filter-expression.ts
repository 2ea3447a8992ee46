import jsep from 'jsep';
import { resolvePath, type FieldSpace, type UnknownField } from './field-names.js';
import { valuesAt } from './field-values.js';

/**
 * `--filter EXPR`: a condition on one JSON row (a packet of `packets --format ndjson`, a
 * connection of `summary --format json`), docs/filter.md. jsep reads the text into a tree;
 * the tree is turned here into plain functions over the row. Nothing the user typed is
 * ever run as code: only the operators below exist, and a field is only ever looked up.
 */
export interface RowFilter {
  /** the expression as typed */
  readonly text: string;
  test(row: unknown): boolean;
}

/** A filter that cannot be read: what is wrong, and where in the text (0-based). */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly column: number,
    /** when a name is no field: the name, and the names that could go there */
    readonly unknown?: UnknownField,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

type Value = string | number | boolean | null;
type Test = (row: unknown) => boolean;
/** jsep's nodes, with where each began in the text (set by the hooks below; numbers have none) */
type Node = jsep.Expression & { start?: number };

const AND = new Set(['&&', 'and']);
const OR = new Set(['||', 'or']);
const NOT = new Set(['!', 'not']);
/** a comparison with the value on the left reads the other way round with the value on the right */
const MIRRORED: Readonly<Record<string, string>> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', '~', '!~', 'in']);

let configured = false;
/** where each token began, pushed as jsep starts one and popped when it ends */
const starts: number[] = [];

/**
 * jsep parses JavaScript by default; it is narrowed to this language once: no arithmetic,
 * bit or assignment operators, `~` and `!~` for regular expressions, `in` for lists, and
 * tshark's `and`, `or`, `not`. Precedence as in C: `!`, then comparisons, `&&`, `||`.
 */
function configure(): void {
  if (configured) return;
  configured = true;
  jsep.removeAllBinaryOps();
  jsep.removeAllUnaryOps();
  for (const op of ['||', 'or']) jsep.addBinaryOp(op, 1);
  for (const op of ['&&', 'and']) jsep.addBinaryOp(op, 2);
  for (const op of ['==', '!=', '~', '!~']) jsep.addBinaryOp(op, 6);
  for (const op of ['<', '<=', '>', '>=', 'in']) jsep.addBinaryOp(op, 7);
  for (const op of NOT) jsep.addUnaryOp(op);
  // every token but a number passes through both hooks once (jsep returns numbers early)
  jsep.hooks.add('gobble-token', function () {
    const c = this.code;
    if (!((c >= 48 && c <= 57) || c === 46)) starts.push(this.index);
  });
  jsep.hooks.add('after-token', function (env) {
    const start = starts.pop();
    if (env.node && start !== undefined) (env.node as Node).start = start;
  });
}

/** Reads a filter; a FilterError says what is wrong and where. */
export function parseFilter(text: string, space: FieldSpace): RowFilter {
  configure();
  starts.length = 0;
  let tree: Node;
  try {
    tree = jsep(text);
  } catch (err) {
    const e = err as Error & { index?: number; description?: string };
    if (typeof e.index !== 'number') throw err;
    const description = e.description ?? e.message;
    let column = Math.min(e.index, text.length);
    // jsep stops after the digits of `1RTT`: the caret goes under the value's start
    if (/^Variable names cannot start with a number/.test(description)) while (column > 0 && /[\d.]/.test(text[column - 1]!)) column--;
    throw new FilterError(syntaxMessage(description, text, e.index), column);
  }
  const test = compile(tree, text, space);
  return { text, test };
}

/** jsep's words, with a hint for the slips people make coming from tshark or a shell */
function syntaxMessage(description: string, text: string, index: number): string {
  if (/^Variable names cannot start with a number/.test(description)) return 'a value that is not a number must be quoted: "1RTT", "0RTT"';
  if (description === 'Unexpected "="' || (text[index] === '=' && text[index + 1] !== '=')) return 'unexpected "=": compare with ==';
  if (description === 'Unexpected "&"' || description === 'Unexpected "|"') return `${description.toLowerCase()}: join conditions with && or ||`;
  if (/^Unclosed quote/.test(description)) return 'a quoted value is not closed';
  return description.charAt(0).toLowerCase() + description.slice(1);
}

function compile(node: Node, text: string, space: FieldSpace): Test {
  switch (node.type) {
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (AND.has(b.operator)) {
        const left = compile(b.left, text, space);
        const right = compile(b.right, text, space);
        return (row) => left(row) && right(row);
      }
      if (OR.has(b.operator)) {
        const left = compile(b.left, text, space);
        const right = compile(b.right, text, space);
        return (row) => left(row) || right(row);
      }
      return comparison(b, text, space);
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const inner = compile(u.argument, text, space);
      return (row) => !inner(row);
    }
    case 'Identifier':
    case 'MemberExpression': {
      // a field alone holds when it is true (`pnSearched`, `frames.fin`, `handshake.retry`)
      const path = fieldPath(node, text, space);
      return (row) => valuesAt(row, path).values.some((v) => v === true);
    }
    case 'Literal':
      throw new FilterError('a value alone is no condition: compare a field with it (field == value)', at(node, text));
    case 'Compound': {
      const body = (node as jsep.Compound).body as Node[];
      if (body.length === 0) throw new FilterError('the filter is empty: give a condition such as type == "1RTT"', 0);
      throw new FilterError('expected an operator (==, &&, ||, …) before this', at(body[1] ?? body[0]!, text));
    }
    default:
      throw new FilterError(`${describe(node)} is not part of the filter language (docs/filter.md)`, at(node, text));
  }
}

function comparison(b: jsep.BinaryExpression, text: string, space: FieldSpace): Test {
  let left = b.left as Node;
  let right = b.right as Node;
  let op = b.operator;
  if (!COMPARISONS.has(op)) throw new FilterError(`unexpected operator ${op}`, at(left, text));
  // jsep binds ! to the field (`!type == "1RTT"` as `(!type) == "1RTT"`); a comparison is
  // what can be negated, so ! applies to it, as in tshark
  let negated = false;
  while (left.type === 'UnaryExpression' && NOT.has((left as jsep.UnaryExpression).operator)) {
    negated = !negated;
    left = (left as jsep.UnaryExpression).argument as Node;
  }
  if (isField(right) && !isField(left) && Object.hasOwn(MIRRORED, op)) {
    [left, right] = [right, left];
    op = MIRRORED[op]!;
  }
  if (!isField(left)) throw new FilterError(`the left of ${op} must be a field name, such as type or frames.type`, at(left, text));
  if (isField(right)) {
    // `type == other`: most likely a value left unquoted
    let known = true;
    try {
      fieldPath(right, text, space);
    } catch {
      known = false;
    }
    throw new FilterError(known ? 'compare a field with a value, not with another field' : `a value that is not a number must be quoted: "${text.slice(at(right, text)).match(/^[\w.$]+/)?.[0] ?? ''}"`, at(right, text));
  }
  const test = compare(left, op, right, text, space);
  return negated ? (row) => !test(row) : test;
}

function compare(left: Node, op: string, right: Node, text: string, space: FieldSpace): Test {
  const path = fieldPath(left, text, space);
  const read = (row: unknown) => valuesAt(row, path).values;
  if (op === 'in') {
    const list = listOf(right, text);
    return (row) => read(row).some((v) => list.some((item) => v === item));
  }
  const value = literal(right, text, `the right of ${op} must be a value: "text", a number, true, false or null`);
  if (op === '~' || op === '!~') {
    if (typeof value !== 'string') throw new FilterError(`${op} takes a regular expression in quotes, such as "^c4"`, at(right, text));
    let re: RegExp;
    try {
      re = new RegExp(value);
    } catch (err) {
      throw new FilterError(`not a regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`, at(right, text));
    }
    const matches = (v: unknown) => (typeof v === 'string' || typeof v === 'number') && re.test(String(v));
    if (op === '~') return (row) => read(row).some(matches);
    return (row) => {
      const values = read(row);
      return values.length > 0 && !values.some(matches);
    };
  }
  // a missing field makes every comparison false, != included (as tshark's)
  if (op === '==') return (row) => read(row).some((v) => v === value);
  if (op === '!=') {
    return (row) => {
      const values = read(row);
      return values.length > 0 && values.every((v) => v !== value);
    };
  }
  if (typeof value !== 'number' && typeof value !== 'string') throw new FilterError(`${op} compares numbers or text, not ${String(value)}`, at(right, text));
  const order = ORDER[op]!;
  return (row) => read(row).some((v) => typeof v === typeof value && order(v as number | string, value));
}

const ORDER: Readonly<Record<string, (a: number | string, b: number | string) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function isField(node: Node): boolean {
  return node.type === 'Identifier' || node.type === 'MemberExpression' || node.type === 'ThisExpression';
}

/** `frames.type` as ["frames", "type"], checked against the rows' fields */
function fieldPath(node: Node, text: string, space: FieldSpace): string[] {
  const names: string[] = [];
  let n: jsep.Expression = node;
  while (n.type === 'MemberExpression') {
    const m = n as jsep.MemberExpression;
    if (m.computed || m.property.type !== 'Identifier') throw new FilterError('name fields with dots, as frames.type (a list matches when any of its elements does)', at(node, text));
    names.unshift((m.property as jsep.Identifier).name);
    n = m.object;
  }
  if (n.type === 'ThisExpression') names.unshift('this');
  else if (n.type === 'Identifier') names.unshift((n as jsep.Identifier).name);
  else throw new FilterError(`${describe(n as Node)} is not a field name`, at(node, text));
  const resolved = resolvePath(space, names);
  if (!Array.isArray(resolved)) throw new FilterError(`no ${space.row} field is named ${resolved.name}`, at(node, text), resolved);
  return resolved;
}

function literal(node: Node, text: string, expected: string): Value {
  if (node.type !== 'Literal') throw new FilterError(expected, at(node, text));
  const v = (node as jsep.Literal).value;
  if (v instanceof RegExp) throw new FilterError(expected, at(node, text));
  return v;
}

/** `(3, 5)`, `[3, 5]` or a single value: what `in` compares with */
function listOf(node: Node, text: string): Value[] {
  const expected = 'in takes a list of values in brackets: connection in (3, 5)';
  if (node.type === 'SequenceExpression') return ((node as jsep.SequenceExpression).expressions as Node[]).map((e) => literal(e, text, expected));
  if (node.type === 'ArrayExpression') return ((node as jsep.ArrayExpression).elements as (Node | null)[]).map((e) => literal(e ?? node, text, expected));
  return [literal(node, text, expected)];
}

function describe(node: Node): string {
  switch (node.type) {
    case 'CallExpression':
      return 'a function call';
    case 'ConditionalExpression':
      return 'a ? b : c';
    case 'ArrayExpression':
    case 'SequenceExpression':
      return 'a list (only after in)';
    default:
      return 'this';
  }
}

/** where a node began; a number's start is not recorded, so its parent's or the text's first non-space */
function at(node: Node, text: string): number {
  if (node.start !== undefined) return node.start;
  const b = node as Partial<jsep.BinaryExpression>;
  if (b.left) return at(b.left as Node, text);
  return text.length - text.trimStart().length;
}

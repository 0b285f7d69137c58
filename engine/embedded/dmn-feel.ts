/**
 * FEEL for decision tables, compiled once per decision version. feelin parses at every evaluation
 * (~0.1 ms a call): a 20-rule table of six inputs would cost milliseconds. The cells tables are
 * made of — names, paths, literals, arithmetic, comparisons, intervals, lists of them, `not(…)` — are
 * compiled here from feelin's own parse tree into closures; for a value they cannot decide exactly
 * as feelin would (a string against a number, a temporal, `?`, a function call …) they hand over to
 * feelin, so every result is feelin's (dmn.test.ts compares both on a grid of cells and values).
 */
import { evaluate as feelEvaluate, parseExpression, parseUnaryTests, SyntaxError as FeelSyntaxError, unaryTest as feelUnaryTest } from 'feelin';
import { toPlain } from './feel-values.js';

type Vars = Record<string, unknown>;
/** an expression: plain JSON value out */
export type CompiledExpression = (vars: Vars) => unknown;
/** an input entry: true = the rule's cell matches the input value */
export type CompiledTest = (value: unknown, vars: Vars) => boolean;

/** a node of feelin's (Lezer) parse tree, as far as the compiler reads it */
interface Node {
  name: string;
  from: number;
  to: number;
  firstChild: Node | null;
  nextSibling: Node | null;
}

function children(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** undefined: this value is not one the fast path decides; feelin does */
const PASS = undefined;
type Fast<T> = (vars: Vars, value?: unknown) => T | undefined;

const NAME = /^[A-Za-z_][\w]*$/;

/** compiles an expression node; undefined when the node is beyond the fast subset */
function compileExpr(n: Node, src: string): Fast<unknown> | undefined {
  const text = src.slice(n.from, n.to);
  switch (n.name) {
    case 'Expression':
    case 'PositiveUnaryTest': {
      const kids = children(n);
      return kids.length === 1 ? compileExpr(kids[0], src) : undefined;
    }
    case 'ParenthesizedExpression': {
      const inner = children(n).filter((c) => c.name !== '(' && c.name !== ')');
      return inner.length === 1 ? compileExpr(inner[0], src) : undefined;
    }
    case 'NumericLiteral': {
      const v = Number(text.replace(/\s+/g, ''));
      return Number.isFinite(v) ? () => v : undefined;
    }
    case 'StringLiteral': {
      if (text.includes('\\')) return undefined;
      const v = text.slice(1, -1);
      return () => v;
    }
    case 'BooleanLiteral':
      return text === 'true' ? () => true : () => false;
    case 'null':
      return () => null;
    case 'VariableName': {
      if (!NAME.test(text)) return undefined;
      return (vars) => {
        const v = Object.hasOwn(vars, text) ? vars[text] : null;
        return v === undefined ? null : v;
      };
    }
    case 'PathExpression': {
      const [base, dot, path] = children(n);
      const name = path && src.slice(path.from, path.to);
      const of = base && compileExpr(base, src);
      if (!of || dot?.name !== '.' || path?.name !== 'PathName' || !NAME.test(name)) return undefined;
      return (vars) => {
        const b = of(vars);
        if (b === PASS) return PASS;
        // feelin maps a path over a list, and warns on a missing entry: only a context's own entry here
        if (b === null || typeof b !== 'object' || Array.isArray(b) || !Object.hasOwn(b, name)) return PASS;
        const v = (b as Vars)[name];
        return v === undefined ? null : v;
      };
    }
    case 'ArithmeticExpression':
      return compileArithmetic(n, src);
    default:
      return undefined;
  }
}

function compileArithmetic(n: Node, src: string): Fast<unknown> | undefined {
  const kids = children(n);
  if (kids.length === 2 && kids[0].name === 'ArithOp' && src.slice(kids[0].from, kids[0].to) === '-') {
    const operand = compileExpr(kids[1], src);
    if (!operand) return undefined;
    return (vars) => {
      const v = operand(vars);
      if (typeof v === 'number') return -v;
      return PASS;
    };
  }
  if (kids.length !== 3 || kids[1].name !== 'ArithOp') return undefined;
  const op = src.slice(kids[1].from, kids[1].to);
  const a = compileExpr(kids[0], src);
  const b = compileExpr(kids[2], src);
  if (!a || !b) return undefined;
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  const apply: Record<string, (x: number, y: number) => number | null> = {
    '+': (x, y) => num(x + y),
    '-': (x, y) => num(x - y),
    '*': (x, y) => num(x * y),
    '/': (x, y) => (y === 0 ? null : num(x / y)),
    '**': (x, y) => num(x ** y),
  };
  const f = apply[op];
  if (!f) return undefined;
  return (vars) => {
    const x = a(vars);
    const y = b(vars);
    if (typeof x === 'number' && typeof y === 'number') return f(x, y);
    if (op === '+' && typeof x === 'string' && typeof y === 'string') return x + y;
    return PASS;
  };
}

/** `< 5`, `[1..2)`, `"a"`, `5`, `true`: a test of the input value; undefined when beyond the fast subset */
function compilePositive(n: Node, src: string): Fast<boolean> | undefined {
  let node = n;
  if (node.name === 'PositiveUnaryTest') {
    const kids = children(node);
    if (kids.length !== 1) return undefined;
    node = kids[0];
  }
  if (node.name === 'SimplePositiveUnaryTest') {
    const kids = children(node);
    if (kids.length === 1 && kids[0].name === 'Interval') return compileInterval(kids[0], src);
    if (kids.length !== 2 || kids[0].name !== 'CompareOp') return undefined;
    const op = src.slice(kids[0].from, kids[0].to);
    const endpoint = compileExpr(kids[1], src);
    if (!endpoint) return undefined;
    return (vars, value) => {
      const e = endpoint(vars);
      if (typeof value !== 'number' || typeof e !== 'number') return PASS;
      return compare(op, value, e);
    };
  }
  // a literal: equal to it (a number to a number, a string to a string, a boolean to a boolean)
  if (node.name === 'NumericLiteral' || node.name === 'StringLiteral' || node.name === 'BooleanLiteral') {
    const literal = compileExpr(node, src);
    if (!literal) return undefined;
    const expected = literal({});
    return (_vars, value) => (typeof value === typeof expected ? value === expected : PASS);
  }
  return undefined;
}

function compare(op: string, a: number, b: number): boolean | undefined {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    default:
      return PASS;
  }
}

function compileInterval(n: Node, src: string): Fast<boolean> | undefined {
  const kids = children(n);
  if (kids.length !== 5 || kids[2].name !== '..') return undefined;
  const open = src.slice(kids[0].from, kids[0].to);
  const close = src.slice(kids[4].from, kids[4].to);
  const lo = compileExpr(kids[1], src);
  const hi = compileExpr(kids[3], src);
  if (!lo || !hi) return undefined;
  const startIncluded = open === '[';
  const endIncluded = close === ']';
  return (vars, value) => {
    const a = lo(vars);
    const b = hi(vars);
    if (typeof value !== 'number' || typeof a !== 'number' || typeof b !== 'number') return PASS;
    return (startIncluded ? value >= a : value > a) && (endIncluded ? value <= b : value < b);
  };
}

/** the whole cell: `-`, a list of tests (any matches), `not(list)` */
function compileUnaryTests(root: Node, src: string): Fast<boolean> | undefined {
  const kids = children(root);
  if (kids.length === 1 && kids[0].name === 'Wildcard') return () => true;
  let negate = false;
  let list: Node | undefined;
  if (kids.length === 1 && kids[0].name === 'PositiveUnaryTests') list = kids[0];
  else if (kids.length === 4 && kids[0].name === 'not' && kids[2].name === 'PositiveUnaryTests') {
    negate = true;
    list = kids[2];
  }
  if (!list) return undefined;
  const tests = children(list)
    .filter((c) => c.name !== ',')
    .map((c) => compilePositive(c, src));
  if (!tests.length || tests.some((t) => !t)) return undefined;
  const all = tests as Fast<boolean>[];
  return (vars, value) => {
    let any = false;
    for (const t of all) {
      const r = t(vars, value);
      if (r === PASS) return PASS;
      if (r) {
        any = true;
        break;
      }
    }
    return negate ? !any : any;
  };
}

/** a FEEL problem in a cell, with feelin's message */
export class CellError extends Error {}

function syntaxMessage(err: unknown): string {
  if (err instanceof FeelSyntaxError) return `${err.message} at ${err.position.from}..${err.position.to}`;
  return err instanceof Error ? err.message : String(err);
}

/** an expression (input expression, output entry, literal expression); throws CellError when it does not parse */
export function compileExpression(text: string): CompiledExpression {
  const src = text.trim();
  if (!src) return () => null;
  try {
    // feelin builds its execution tree only here: a syntax error surfaces at deployment
    feelEvaluate(src, {});
  } catch (err) {
    throw new CellError(syntaxMessage(err));
  }
  const fast = compileExpr(parseExpression(src, {}, undefined).topNode as unknown as Node, src);
  const slow = (vars: Vars) => toPlain(feelEvaluate(src, vars).value, src);
  if (!fast) return slow;
  return (vars) => {
    const v = fast(vars);
    return v === PASS ? slow(vars) : v;
  };
}

/** an input entry (unary tests; `-` or empty: any value); throws CellError when it does not parse */
export function compileUnaryTest(text: string): CompiledTest {
  const src = text.trim();
  if (!src || src === '-') return () => true;
  try {
    feelUnaryTest(src, { '?': null });
  } catch (err) {
    throw new CellError(syntaxMessage(err));
  }
  const fast = compileUnaryTests(parseUnaryTests(src, {}, undefined).topNode as unknown as Node, src);
  const slow = (value: unknown, vars: Vars) => feelUnaryTest(src, { ...vars, '?': value }).value === true;
  if (!fast) return slow;
  return (value, vars) => {
    const r = fast(vars, value);
    return r === PASS ? slow(value, vars) : r;
  };
}

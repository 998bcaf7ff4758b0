// @file The einsum equation parser: subscripts to label lists, with PyTorch's implicit output and ellipsis rules.
import { ShapeError, ValueError, fmtShape } from '../errors.js';

/** Ellipsis dims get label ids from here up, one per broadcast ellipsis dim (letters are their char codes). */
const ELLIPSIS_BASE = 1000;

/** An einsum equation resolved against its operands' ranks: one label id per dim, and the output's labels. */
export interface EinsumPlan {
  readonly inputs: readonly (readonly number[])[];
  readonly output: readonly number[];
}

/** The printable name of a label id: its letter, or `…k` for the k-th ellipsis dim. */
export function labelName(label: number): string {
  return label >= ELLIPSIS_BASE ? `…${label - ELLIPSIS_BASE}` : String.fromCharCode(label);
}

/** One side's subscripts: the letters' char codes, and where '...' stands (−1 when absent). */
interface Subscripts {
  letters: number[];
  ellipsisAt: number;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Parses a term of letters and at most one '...' (spaces were removed). `fail` builds the error for a message.
 */
function parseTerm(term: string, what: string, fail: (message: string) => Error): Subscripts {
  const letters: number[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < term.length; i++) {
    const code = term.charCodeAt(i);
    if (isLetter(code)) {
      letters.push(code);
    } else if (term.startsWith('...', i)) {
      if (ellipsisAt !== -1) throw fail(`${what} has more than one '...'`);
      ellipsisAt = letters.length;
      i += 2;
    } else {
      throw fail(`invalid subscript '${term[i]}' in ${what} (subscripts are letters a-z, A-Z and '...')`);
    }
  }
  return { letters, ellipsisAt };
}

/**
 * Resolves `equation` for operands of the given shapes (torch.einsum's rules):
 * - each operand's term names its dims left to right; '...' stands for the dims not named, and the ellipsis dims
 *   of all operands broadcast together, aligned on the right;
 * - with '->', the output is the given term (each letter once, each present in some input; ellipsis dims not in it
 *   are summed); without it, the output is the broadcast ellipsis dims followed by the letters that appear exactly
 *   once in the inputs, in alphabetical order (upper case before lower case).
 * @throws ValueError naming the equation and the shapes for any malformed or mismatched equation.
 */
export function parseEquation(equation: string, shapes: readonly (readonly number[])[]): EinsumPlan {
  const where = `equation '${equation}', shapes ${shapes.map((s) => fmtShape(s)).join(', ') || 'none'}`;
  const fail = (message: string): Error => new ValueError('einsum', `${message} (${where})`);
  const compact = equation.replace(/\s+/g, '');
  const sides = compact.split('->');
  if (sides.length > 2) throw fail("more than one '->'");
  const terms = sides[0]!.split(',');
  if (terms.length !== shapes.length) {
    const given = `${shapes.length} tensor${shapes.length === 1 ? ' was' : 's were'} given`;
    throw fail(`the equation names ${terms.length} operand(s) but ${given}`);
  }
  const parsed = terms.map((t, k) => parseTerm(t, `operand ${k}`, fail));
  let ellipsisRank = 0;
  const ellipsisRanks = parsed.map(({ letters, ellipsisAt }, k) => {
    const ndim = shapes[k]!.length;
    if (ellipsisAt === -1 ? letters.length !== ndim : letters.length > ndim) {
      throw new ShapeError(
        'einsum',
        `operand ${k} has ${ndim} dim(s) but its subscripts '${terms[k]}' name ${letters.length}` +
          `${ellipsisAt === -1 ? ' and it has no ...' : ''} (${where})`,
      );
    }
    const rank = ellipsisAt === -1 ? 0 : ndim - letters.length;
    ellipsisRank = Math.max(ellipsisRank, rank);
    return rank;
  });
  const ellipsisLabels = (rank: number): number[] =>
    Array.from({ length: rank }, (_, i) => ELLIPSIS_BASE + ellipsisRank - rank + i);
  const inputs = parsed.map(({ letters, ellipsisAt }, k) =>
    ellipsisAt === -1
      ? letters
      : [...letters.slice(0, ellipsisAt), ...ellipsisLabels(ellipsisRanks[k]!), ...letters.slice(ellipsisAt)],
  );
  const counts = new Map<number, number>();
  for (const { letters } of parsed) for (const l of letters) counts.set(l, (counts.get(l) ?? 0) + 1);
  let output: number[];
  if (sides.length === 1) {
    const once = [...counts].filter(([, n]) => n === 1).map(([l]) => l);
    output = [...ellipsisLabels(ellipsisRank), ...once.sort((a, b) => a - b)];
  } else {
    const { letters, ellipsisAt } = parseTerm(sides[1]!, 'the output', fail);
    const seen = new Set<number>();
    for (const l of letters) {
      if (seen.has(l)) throw fail(`output subscript '${labelName(l)}' appears more than once`);
      if (!counts.has(l)) throw fail(`output subscript '${labelName(l)}' does not appear in any operand`);
      seen.add(l);
    }
    output =
      ellipsisAt === -1
        ? letters
        : [...letters.slice(0, ellipsisAt), ...ellipsisLabels(ellipsisRank), ...letters.slice(ellipsisAt)];
  }
  return { inputs, output };
}

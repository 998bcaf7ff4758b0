// @file Parsers of numeric command-line flags: each refuses a bad value with a one-line message naming the flag.
import { InvalidArgumentError } from 'commander';

/** A parser of a finite number that `check` accepts; anything else is refused as not being `rule`. */
export function number(name: string, check: (v: number) => boolean, rule: string): (text: string) => number {
  return (text) => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || !check(v))
      throw new InvalidArgumentError(`${name} must be ${rule}, got '${text}'`);
    return v;
  };
}

export const positiveInt = (name: string) =>
  number(name, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
export const nonNegativeInt = (name: string) =>
  number(name, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
export const positive = (name: string) => number(name, (v) => v > 0, 'a positive number');
export const nonNegative = (name: string) => number(name, (v) => v >= 0, 'a non-negative number');
export const finite = (name: string) => number(name, () => true, 'a number');
export const fraction = (name: string) => number(name, (v) => v >= 0 && v < 1, 'in [0, 1)');

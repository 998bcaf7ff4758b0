// @file parseJson: serde_json's nesting limit checked before JSON.parse, brackets inside strings ignored.
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { failure } from '../../src/io/header.js';
import { MAX_JSON_DEPTH, parseJson } from '../../src/io/json.js';
import * as io from '../../src/io/index.js';
import { craft, expectFormatError } from './helpers.js';

const fail = failure('test', 'file.json');
const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

describe('parseJson', () => {
  it('parses what JSON.parse parses', () => {
    for (const text of ['{}', '[]', '1', '"x"', 'null', '{"a":[1,{"b":"]]]"}]}', ' [ [ ] ] '])
      expect(parseJson(text, fail)).toEqual(JSON.parse(text));
  });

  it('allows 127 nested levels and refuses the 128th, like serde_json (remaining_depth 128)', () => {
    expect(MAX_JSON_DEPTH).toBe(128);
    expect(() => parseJson(nested(127), fail)).not.toThrow();
    expect(() => parseJson(`${'{"a":'.repeat(126)}{}${'}'.repeat(126)}`, fail)).not.toThrow();
    expect(() => parseJson(nested(128), fail)).toThrow(FormatError);
    expect(() => parseJson(nested(128), fail)).toThrow(
      /test: file\.json: the text nests JSON arrays and objects 128 levels deep \(at character 127\); the limit is 127 levels/,
    );
    expect(() => parseJson(`[${'{"k":'.repeat(126)}{}${'}'.repeat(126)}]`, fail)).toThrow(/128 levels deep/);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '['.repeat(500), b: '\\"[[[[', c: ['{'.repeat(300)] });
    expect(parseJson(text, fail)).toEqual(JSON.parse(text));
  });

  it('refuses 10 million nested brackets at once (JSON.parse alone recurses for minutes)', () => {
    const text = '['.repeat(10_000_000);
    expect(() => parseJson(text, fail)).toThrow(/128 levels deep/);
  });

  it('names the subject and the file when the text is not JSON', () => {
    expect(() => parseJson('{"a":', fail, { subject: 'run.json' })).toThrow(
      /test: file\.json: run\.json is not valid JSON \(/,
    );
  });
});

describe('the safetensors header uses the bounded parser', () => {
  it('a header of 10 million nested [ is a FormatError, not minutes of recursion', () => {
    expectFormatError(
      () => io.deserialize(craft('['.repeat(10_000_000))),
      /nests JSON arrays and objects 128/,
    );
  });

  it('127 levels are still JSON (then refused as not an object), 128 are refused by depth', () => {
    expectFormatError(() => io.deserialize(craft(nested(127))), /must be a JSON object/);
    expectFormatError(() => io.deserialize(craft(nested(128))), /the header nests JSON arrays and objects/);
    const deepMetadata = `{"__metadata__":{"a":${nested(126)}}}`;
    expectFormatError(() => io.deserialize(craft(deepMetadata)), /the header nests .* 128 levels/);
  });
});

// @file Bounded JSON parsing for files neurite reads: a nesting-depth check before JSON.parse (pure, browser-safe).
import type { Fail } from './header.js';

/**
 * The nesting depth at which JSON is refused, serde_json's recursion limit (`remaining_depth: 128`, so 127
 * nested arrays/objects parse and the 128th is an error). The safetensors reference reader uses serde_json, so
 * the same headers are refused here; neurite's own files nest at most 6 levels.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Parses JSON text after checking, in one linear scan, that arrays and objects nest less than `maxDepth`
 * levels deep. JSON.parse alone recurses on nesting: 45 M nested `[` took 228 s and 4.5 GB before failing;
 * the scan refuses them after 128 characters.
 *
 * @param options.subject what the text is, for messages (`the header` → "the header is not valid JSON (…)").
 * @throws through `fail` (a FormatError naming the file) for nesting that is too deep or text that is not JSON.
 */
export function parseJson(
  text: string,
  fail: Fail,
  options: { subject?: string; maxDepth?: number } = {},
): unknown {
  const subject = options.subject ?? 'the text';
  checkNesting(text, fail, subject, options.maxDepth ?? MAX_JSON_DEPTH);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    fail(`${subject} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Counts `[`/`{` minus `]`/`}` outside strings. On invalid JSON the count may be off, but the scan stays linear
 * and JSON.parse then rejects the text anyway.
 */
function checkNesting(text: string, fail: Fail, subject: string, maxDepth: number): void {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth >= maxDepth) {
        fail(
          `${subject} nests JSON arrays and objects ${depth} levels deep (at character ${i}); ` +
            `the limit is ${maxDepth - 1} levels`,
        );
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
}

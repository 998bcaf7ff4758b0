// @file safetensors header: reading the length prefix and validating the JSON header (pure, browser-safe).
import { FormatError, fmtShape } from '../errors.js';
import { parseJson } from './json.js';

/** The `__metadata__` map of a safetensors file: free-form string → string pairs. */
export type Metadata = Record<string, string>;

/** One tensor's header entry, validated; `begin`/`end` are byte offsets into the data buffer. */
export interface TensorEntry {
  name: string;
  dtype: ReadableDType;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: the entries sorted by offset, the metadata, and where the data buffer starts. */
export interface SafetensorsHeader {
  entries: TensorEntry[];
  metadata: Metadata;
  /** 8 + N: the byte offset of the data buffer in the file. */
  dataStart: number;
}

/** The largest header the reference implementation accepts, in bytes. */
export const MAX_HEADER_LENGTH = 100_000_000;

/** The file dtypes neurite reads, with their element size in bytes. */
export const READABLE = { F64: 8, F32: 4, I32: 4, BOOL: 1, I64: 8, F16: 2, BF16: 2 } as const;
export type ReadableDType = keyof typeof READABLE;

/** Every dtype name of the safetensors spec, so that a valid-but-unsupported one gets its own message. */
const KNOWN_DTYPES = new Set(
  'BOOL U8 I8 F8_E5M2 F8_E4M3 F8_E8M0 I16 U16 F16 BF16 I32 U32 F32 F64 I64 U64 F4 F6_E2M3 F6_E3M2'.split(' '),
);

export const METADATA_KEY = '__metadata__';

/** Throws a FormatError; the reader's functions take one so that errors name the caller and the file. */
export type Fail = (message: string) => never;

/** A `Fail` that throws `FormatError(op, source ? `${source}: ${message}` : message)`. */
export function failure(op: string, source?: string): Fail {
  return (message) => {
    throw new FormatError(op, source === undefined ? message : `${source}: ${message}`);
  };
}

/**
 * Reads N, the header length, from the first 8 bytes of a file of `fileSize` bytes, and checks that it is at
 * most 100,000,000 and that the header fits in the file.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, fail: Fail): number {
  if (fileSize < 8 || prefix.byteLength < 8) {
    fail(`the input is ${fileSize} bytes, too short for the 8-byte header length that starts every file`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  if (high !== 0 || low > MAX_HEADER_LENGTH) {
    const length = (BigInt(high) << 32n) | BigInt(low);
    fail(`header length ${length} exceeds the format's limit of ${MAX_HEADER_LENGTH} bytes`);
  }
  if (8 + low > fileSize) {
    fail(`header length ${low} runs past the end of the input (8 + ${low} > ${fileSize} bytes)`);
  }
  return low;
}

/**
 * Validates the header (the N bytes after the length) of a file of `fileSize` bytes: UTF-8 JSON object, no
 * duplicate keys, well-formed entries of supported dtypes, offsets that tile the data buffer exactly.
 */
export function parseHeader(headerBytes: Uint8Array, fileSize: number, fail: Fail): SafetensorsHeader {
  const dataStart = 8 + headerBytes.byteLength;
  const dataLength = fileSize - dataStart;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    fail('the header is not valid UTF-8');
  }
  const parsed = parseJson(text, fail, { subject: 'the header' });
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail(`the header must be a JSON object, got ${describe(parsed)}`);
  }
  checkDuplicateKeys(text, fail);

  const record = parsed as Record<string, unknown>;
  let metadata: Metadata = {};
  const entries: TensorEntry[] = [];
  for (const name of Object.keys(record)) {
    if (name === METADATA_KEY) metadata = parseMetadata(record[name], fail);
    else entries.push(parseEntry(name, record[name], dataLength, fail));
  }

  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: TensorEntry | undefined;
  for (const entry of entries) {
    if (entry.begin < covered) {
      fail(
        `tensors "${previous!.name}" and "${entry.name}" overlap ` +
          `(data_offsets [${previous!.begin}, ${previous!.end}] and [${entry.begin}, ${entry.end}])`,
      );
    }
    if (entry.begin > covered) {
      fail(
        `bytes [${covered}, ${entry.begin}) of the data buffer belong to no tensor ` +
          `(a gap before "${entry.name}"; offsets must be contiguous from 0)`,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataLength) {
    fail(
      `the tensors cover ${covered} bytes of data but ${dataLength} follow the header ` +
        `(8 + N + last_end = ${dataStart + covered} ≠ input size ${fileSize})`,
    );
  }
  return { entries, metadata, dataStart };
}

function parseMetadata(value: unknown, fail: Fail): Metadata {
  // The reference reads `__metadata__` as Option<HashMap<String, String>>, so null means none.
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(`"${METADATA_KEY}" must be an object of strings, got ${describe(value)}`);
  }
  const metadata: Metadata = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') {
      fail(`"${METADATA_KEY}" value for "${key}" must be a string, got ${describe(item)}`);
    }
    defineEntry(metadata, key, item);
  }
  return metadata;
}

function parseEntry(name: string, value: unknown, dataLength: number, fail: Fail): TensorEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`entry "${name}" must be an object with dtype, shape and data_offsets, got ${describe(value)}`);
  }
  const fields = value as Record<string, unknown>;
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(fields, field)) fail(`entry "${name}" is missing the field "${field}"`);
  }
  const { dtype, shape, data_offsets: offsets } = fields;
  if (typeof dtype !== 'string') fail(`entry "${name}": dtype must be a string, got ${describe(dtype)}`);
  if (!Object.hasOwn(READABLE, dtype)) {
    if (KNOWN_DTYPES.has(dtype)) {
      fail(
        `tensor "${name}" has dtype ${dtype}, which neurite cannot load ` +
          `(supported: ${Object.keys(READABLE).join(', ')})`,
      );
    }
    fail(`tensor "${name}" has an unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    fail(`entry "${name}": shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    fail(
      `entry "${name}": data_offsets must be [begin, end] of non-negative integers, got ${describe(offsets)}`,
    );
  }
  const dims = (shape as number[]).map((d) => d + 0); // + 0 turns -0 into 0
  const [begin, end] = (offsets as [number, number]).map((d) => d + 0) as [number, number];
  if (end < begin) fail(`tensor "${name}": data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) {
    fail(
      `tensor "${name}": data_offsets [${begin}, ${end}] are out of range ` +
        `(the data buffer holds ${dataLength} bytes)`,
    );
  }
  // Like the reference's checked multiplication, a shape whose product overflows is refused even with a 0 dim.
  let numel = 1;
  for (const d of dims) {
    numel *= d;
    if (numel > Number.MAX_SAFE_INTEGER) fail(`tensor "${name}": shape ${fmtShape(dims)} is too large`);
  }
  const itemSize = READABLE[dtype as ReadableDType];
  if (end - begin !== numel * itemSize) {
    fail(
      `tensor "${name}": data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${dtype} ` +
        `${fmtShape(dims)} needs ${numel} × ${itemSize} = ${numel * itemSize}`,
    );
  }
  return { name, dtype: dtype as ReadableDType, shape: dims, begin, end };
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * JSON.parse keeps the last of duplicate keys silently, so scan the (already valid) JSON text for them:
 * a string followed by `:` is a key of the innermost open object.
 */
function checkDuplicateKeys(text: string, fail: Fail): void {
  const open: (Set<string> | null)[] = []; // one Set per open object, null per open array
  let topKey = '';
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) open.push(new Set());
    else if (c === 0x5b /* [ */) open.push(null);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) open.pop();
    else if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === 0x22) break;
        if (d === 0x5c /* \ */) {
          escaped = true;
          j += 2;
        } else j += 1;
      }
      let k = j + 1;
      while (isJsonWhitespace(text.charCodeAt(k))) k++;
      const keys = open[open.length - 1];
      if (keys && text.charCodeAt(k) === 0x3a /* : */) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (keys.has(key)) {
          if (open.length === 1) {
            fail(`duplicate key ${JSON.stringify(key)} in the header (each tensor name may appear once)`);
          }
          fail(`duplicate key ${JSON.stringify(key)} inside "${topKey}" in the header`);
        }
        keys.add(key);
        if (open.length === 1) topKey = key;
      }
      i = j;
    }
    i += 1;
  }
}

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

// ---- helpers --------------------------------------------------------------------------------------------

/** Sets `target[key]` as an own property even for keys like `__proto__`. */
export function defineEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A short, safe description of any value for an error message (no deep or huge stringification). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const simple = value.length <= 8 && value.every((v) => typeof v !== 'object' || v === null);
    return simple ? `[${value.map((v) => describe(v)).join(', ')}]` : `an array of length ${value.length}`;
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'object':
      return `an object (${value.constructor?.name ?? 'no prototype'})`;
    default:
      return `a ${typeof value}`;
  }
}

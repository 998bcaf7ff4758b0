// @file A run directory as one unit: staged next to its place, swapped in whole, locked while written, verified by a manifest.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { FormatError, ValueError } from '../errors.js';
import { failure, type Fail } from '../io/header.js';
import { DEFAULT_MAX_LOAD_BYTES, readRegularFile } from '../io/files.js';
import { parseJson } from '../io/json.js';
import { errorText, isErrno, Lock, LOCK_SUFFIX } from './run-lock.js';

/**
 * How a run directory `P/B` is written (B the run's name, P its parent):
 *
 * 1. `P/.B.neurite-lock` is created exclusively (hard link of a file holding pid, host and a random token), and
 *    held from before training until the run is saved; a second writer fails with one line. A lock whose pid is
 *    dead on this host is taken over (renamed away, checked to be the stale one, then created anew).
 * 2. Under the lock, leftovers of an interrupted write are resolved (see `recover`) and stale temporaries
 *    removed; the staging directory `P/.B.neurite-new-G` (G, the generation: time and random hex) is created,
 *    which also proves that P is writable before any training.
 * 3. Every file is written into the staging directory and fsynced; `manifest.json` (generation, byte count
 *    and SHA-256 of every file) is written last.
 * 4. The old run (if any) is renamed to `P/.B.neurite-old-G` (the commit point), the staging directory is
 *    renamed to `P/B`, the old one is removed. Renames within P are atomic.
 *
 * After a crash at any point, `P/B` is either absent or a whole run (old or new), and the manifest says which
 * generation it is. When `P/B` is absent and `P/.B.neurite-old-G` exists, the crash came between the two
 * renames: the next writer or reader rolls forward to the complete staging directory of the same generation
 * (or back to the old run if that is damaged). Readers verify every file they use against the manifest, so a
 * directory assembled from different runs (or written by hand, or by an older neurite) is refused with the
 * file's name.
 */
export const MANIFEST = 'manifest.json';

/** What manifest.json holds. */
export interface RunManifest {
  format: 'neurite-run';
  version: 1;
  /** Unique per write: when it was written (base-36 milliseconds) and 12 random hex digits. */
  generation: string;
  /** Every other file of the run: its size and SHA-256 (hex). */
  files: Record<string, { bytes: number; sha256: string }>;
}

/** One file to write into a run directory: a plain name (no slashes) and its contents. */
export interface RunFile {
  name: string;
  contents: Uint8Array | string;
}

/** The steps of a commit, in order; a test hook runs after each one. */
export type CommitStep = 'staged' | 'old-moved-away' | 'new-moved-in' | 'old-removed';

export interface RunWriterOptions {
  /** The option the path came from, for messages (default `--out`). */
  option?: string;
  /** Names a run may contain besides manifest.json; an existing directory holding anything else is refused. */
  runFiles: readonly string[];
  /** Refuse a target that does not exist instead of creating it (resume in place). */
  mustExist?: boolean;
  /** Test hook: called after each commit step (a test kills the process there to simulate a crash). */
  afterStep?: (step: CommitStep) => void;
}

const NEW_MARK = '.neurite-new-';
const OLD_MARK = '.neurite-old-';
/** The largest manifest read; a real one is a few hundred bytes. */
const MAX_MANIFEST_BYTES = 1 << 20;

/** The sibling paths of a run directory: lock, staging and moved-away directories live next to it. */
function siblings(target: string): {
  parent: string;
  prefix: string;
  lock: string;
  staging: (generation: string) => string;
  old: (generation: string) => string;
} {
  const parent = nodePath.dirname(target);
  const prefix = `.${nodePath.basename(target)}`;
  return {
    parent,
    prefix,
    lock: nodePath.join(parent, `${prefix}${LOCK_SUFFIX}`),
    staging: (generation) => nodePath.join(parent, `${prefix}${NEW_MARK}${generation}`),
    old: (generation) => nodePath.join(parent, `${prefix}${OLD_MARK}${generation}`),
  };
}

function newGeneration(): string {
  return `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('hex')}`;
}

/**
 * Writes one run directory as a unit. `open` validates the location, takes the lock and creates the staging
 * directory before any training; `commit` writes the files and swaps them in; `release` drops the lock (and
 * the staging directory if nothing was committed). Always release in a `finally`.
 */
export class RunDirectoryWriter {
  /** The absolute path of the run directory (symbolic links resolved). */
  readonly path: string;
  private readonly options: RunWriterOptions;
  private readonly lock: Lock;
  private readonly generation = newGeneration();
  private state: 'open' | 'committed' | 'released' = 'open';

  private constructor(path: string, options: RunWriterOptions, lock: Lock) {
    this.path = path;
    this.options = options;
    this.lock = lock;
  }

  /**
   * Checks that `out` can hold a run (it is a directory of run files or absent, its parent is a directory
   * neurite can write to; missing parents are created one level at a time, so a path like `/proc/x` fails at
   * once), takes the lock, recovers an interrupted write and creates the staging directory.
   *
   * @throws ValueError naming the option and the path when any of that fails.
   */
  static open(out: string, options: RunWriterOptions): RunDirectoryWriter {
    const option = options.option ?? '--out';
    const target = prepareLocation(nodePath.resolve(out), option, options);
    const lock = Lock.acquire(siblings(target).lock, target, option);
    try {
      recover(target);
      removeLeftovers(target);
      if (options.mustExist && !isDirectory(target)) {
        throw new ValueError(option, `${target} is not a neurite run directory (it does not exist)`);
      }
      const writer = new RunDirectoryWriter(target, options, lock);
      try {
        fs.mkdirSync(siblings(target).staging(writer.generation));
      } catch (error) {
        throw new ValueError(option, `cannot write next to ${target}: ${errorText(error)}`);
      }
      return writer;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Writes `files` and manifest.json into the staging directory, then swaps it in for the run directory. */
  commit(files: readonly RunFile[]): RunManifest {
    if (this.state !== 'open') throw new ValueError('run directory', `${this.path}: already ${this.state}`);
    const paths = siblings(this.path);
    const staging = paths.staging(this.generation);
    const manifest: RunManifest = {
      format: 'neurite-run',
      version: 1,
      generation: this.generation,
      files: {},
    };
    for (const file of files) {
      checkName(file.name);
      if (file.name === MANIFEST || Object.hasOwn(manifest.files, file.name))
        throw new ValueError('run directory', `file name '${file.name}' given twice or reserved`);
      const bytes =
        typeof file.contents === 'string' ? new TextEncoder().encode(file.contents) : file.contents;
      writeDurably(nodePath.join(staging, file.name), bytes);
      manifest.files[file.name] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
    }
    writeDurably(
      nodePath.join(staging, MANIFEST),
      new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'),
    );
    syncDirectory(staging);
    this.options.afterStep?.('staged');

    const old = paths.old(this.generation);
    const hadOld = fs.existsSync(this.path);
    if (hadOld) {
      fs.renameSync(this.path, old);
      syncDirectory(paths.parent);
      this.options.afterStep?.('old-moved-away');
    }
    try {
      fs.renameSync(staging, this.path);
    } catch (error) {
      if (hadOld) fs.renameSync(old, this.path);
      throw error;
    }
    this.state = 'committed';
    syncDirectory(paths.parent);
    this.options.afterStep?.('new-moved-in');
    if (hadOld) {
      fs.rmSync(old, { recursive: true, force: true });
      this.options.afterStep?.('old-removed');
    }
    return manifest;
  }

  /** Removes the staging directory unless committed, and drops the lock. Safe to call twice. */
  release(): void {
    if (this.state === 'released') return;
    if (this.state === 'open') {
      fs.rmSync(siblings(this.path).staging(this.generation), { recursive: true, force: true });
    }
    this.state = 'released';
    this.lock.release();
  }
}

/** What `readRunDirectory` returns: the absolute path, the manifest and the verified bytes of each file asked for. */
export interface RunDirectoryContents {
  path: string;
  manifest: RunManifest;
  files: Map<string, Uint8Array>;
}

/**
 * Reads and verifies the files `names` of the run directory `dir`: each must be listed in manifest.json with
 * its size and SHA-256 and match them. If the directory is missing but an interrupted write left a complete
 * run next to it, the write is recovered first (under the lock). If the directory is swapped while being read,
 * the read starts over.
 *
 * @throws FormatError naming the file for a missing manifest, an unlisted, missing or changed file.
 */
export function readRunDirectory(dir: string, names: readonly string[]): RunDirectoryContents {
  const target = nodePath.resolve(dir);
  for (let attempt = 0; ; attempt++) {
    const pending = fs.existsSync(target) ? null : leftovers(target);
    if (pending && (pending.old.size > 0 || pending.staging.size > 0)) {
      const holder = Lock.holder(siblings(target).lock);
      if (holder === null || !holder.alive) {
        const lock = Lock.acquire(siblings(target).lock, target, 'run directory');
        try {
          recover(target);
        } finally {
          lock.release();
        }
      } else if (pending.old.size > 0 && attempt < 50) {
        sleep(100); // between the two renames of a commit: the new run appears within milliseconds
        continue;
      } else {
        throw new ValueError(
          'run directory',
          `${target} is being written by process ${holder.info.pid} and not saved yet; try again when it has finished`,
        );
      }
    }
    const contents = readVerified(target, names);
    if (contents !== 'changed') return contents;
    if (attempt >= 5) throw new FormatError(target, 'the run directory kept changing while being read');
  }
}

/** One attempt at reading: 'changed' when the manifest's generation changed while the files were read. */
function readVerified(target: string, names: readonly string[]): RunDirectoryContents | 'changed' {
  const manifest = readManifest(target);
  const files = new Map<string, Uint8Array>();
  for (const name of names) {
    const path = nodePath.join(target, name);
    const fail: Fail = failure(path);
    const entry = manifest.files[name];
    if (!entry) fail(`is not listed in ${MANIFEST}, so it cannot be checked to belong to this run`);
    const foreign = `it does not belong to run ${manifest.generation} (written over or mixed in from another run)`;
    let bytes: Uint8Array;
    try {
      bytes = readRegularFile(
        path,
        entry.bytes,
        fail,
        (size) => `is ${size} bytes but ${MANIFEST} records ${entry.bytes}: ${foreign}`,
      );
    } catch (error) {
      if (generationOf(target) !== manifest.generation) return 'changed';
      if (isErrno(error, 'ENOENT'))
        fail(`is missing, but ${MANIFEST} lists it: the run directory is incomplete`);
      throw error;
    }
    if (bytes.byteLength !== entry.bytes || sha256(bytes) !== entry.sha256) {
      if (generationOf(target) !== manifest.generation) return 'changed';
      fail(`does not match ${MANIFEST} (${bytes.byteLength} bytes, SHA-256 differs): ${foreign}`);
    }
    files.set(name, bytes);
  }
  return { path: target, manifest, files };
}

function generationOf(target: string): string | null {
  try {
    return readManifest(target).generation;
  } catch {
    return null;
  }
}

/** Reads and validates manifest.json. */
function readManifest(target: string): RunManifest {
  const path = nodePath.join(target, MANIFEST);
  const fail: Fail = failure(path);
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path, MAX_MANIFEST_BYTES, fail);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
    if (!fs.existsSync(target))
      throw new FormatError(target, 'is not a neurite run directory (it does not exist)');
    if (!isDirectory(target))
      throw new FormatError(target, 'is not a neurite run directory (not a directory)');
    if (!fs.existsSync(nodePath.join(target, 'run.json')))
      throw new FormatError(target, `is not a neurite run directory (no ${MANIFEST} or run.json)`);
    fail(
      'is missing: the run was written by an older neurite or not completely, so its files cannot be ' +
        'checked to belong together; train it again',
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail('is not valid UTF-8');
  }
  const value = parseJson(text, fail, { subject: MANIFEST, maxDepth: 8 });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a JSON object');
  const record = value as Record<string, unknown>;
  if (record.format !== 'neurite-run' || record.version !== 1)
    fail(
      `format must be "neurite-run" version 1, got ${JSON.stringify(record.format)} ${String(record.version)}`,
    );
  if (typeof record.generation !== 'string' || !/^[0-9a-z]+-[0-9a-f]{12}$/.test(record.generation))
    fail(`generation must be a string like "m1abc2-0123456789ab", got ${JSON.stringify(record.generation)}`);
  const files = record.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) fail('files must be an object');
  for (const [name, entry] of Object.entries(files as Record<string, unknown>)) {
    if (!isPlainName(name) || name === MANIFEST) fail(`files: '${name}' is not a plain file name`);
    const { bytes, sha256: hash } = (entry ?? {}) as Record<string, unknown>;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      fail(`files["${name}"] must be an object with bytes and sha256`);
    if (
      typeof bytes !== 'number' ||
      !Number.isSafeInteger(bytes) ||
      bytes < 0 ||
      bytes > DEFAULT_MAX_LOAD_BYTES
    )
      fail(
        `files["${name}"].bytes must be an integer in [0, ${DEFAULT_MAX_LOAD_BYTES}], got ${String(bytes)}`,
      );
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
      fail(`files["${name}"].sha256 must be 64 hex digits, got ${JSON.stringify(hash)}`);
  }
  return record as unknown as RunManifest;
}

// ---- location checks, recovery and leftovers -------------------------------------------------------------

/**
 * Validates the run directory's place before anything is trained: the target is a directory holding only run
 * files, or absent with a parent that is (or can be made) a directory. Returns the target with symbolic links
 * resolved.
 */
function prepareLocation(target: string, option: string, options: RunWriterOptions): string {
  let stats: fs.Stats | undefined;
  try {
    stats = fs.statSync(target);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw new ValueError(option, `cannot use ${target}: ${errorText(error)}`);
  }
  if (stats) {
    if (!stats.isDirectory())
      throw new ValueError(option, `${target} exists and is not a directory; give a directory for the run`);
    const real = fs.realpathSync(target);
    const cwd = fs.realpathSync(process.cwd());
    if (cwd === real || cwd.startsWith(real + nodePath.sep)) {
      throw new ValueError(
        option,
        `${target} is (or contains) the working directory; a run directory is replaced as a whole, so give a subdirectory`,
      );
    }
    const foreign = fs
      .readdirSync(real)
      .filter((name) => name !== MANIFEST && !options.runFiles.includes(name) && !/^\..*\.tmp$/.test(name));
    if (foreign.length > 0) {
      throw new ValueError(
        option,
        `${target} holds files that are not part of a neurite run (${foreign.slice(0, 3).join(', ')}` +
          `${foreign.length > 3 ? ', …' : ''}); a run directory is replaced as a whole, so give an empty or new directory`,
      );
    }
    return real;
  }
  if (options.mustExist) {
    if (!isDirectory(siblings(target).parent))
      throw new ValueError(option, `${target} is not a neurite run directory (it does not exist)`);
    return nodePath.join(fs.realpathSync(siblings(target).parent), nodePath.basename(target));
  }
  if (fs.existsSync(siblings(target).parent)) {
    checkParent(siblings(target).parent, target, option);
    return nodePath.join(fs.realpathSync(siblings(target).parent), nodePath.basename(target));
  }
  // Create missing parents one level at a time: mkdirSync({ recursive: true }) never returns on paths like
  // /proc/x/y (Node 20), and a plain mkdir fails at once with the reason.
  const missing: string[] = [];
  let ancestor = siblings(target).parent;
  while (!fs.existsSync(ancestor)) {
    missing.unshift(ancestor);
    const up = nodePath.dirname(ancestor);
    if (up === ancestor) break;
    ancestor = up;
  }
  checkParent(ancestor, target, option);
  for (const directory of missing) {
    try {
      fs.mkdirSync(directory);
    } catch (error) {
      if (!isErrno(error, 'EEXIST'))
        throw new ValueError(option, `cannot create ${directory} for ${target}: ${errorText(error)}`);
    }
  }
  return nodePath.join(fs.realpathSync(siblings(target).parent), nodePath.basename(target));
}

function checkParent(parent: string, target: string, option: string): void {
  if (!isDirectory(parent))
    throw new ValueError(option, `cannot write ${target}: ${parent} is not a directory`);
}

/** Names of leftovers (staging and moved-away directories) of `target` in its parent. */
function leftovers(target: string): {
  staging: Map<string, string>;
  old: Map<string, string>;
  lockDebris: string[];
} {
  const { parent, prefix } = siblings(target);
  const staging = new Map<string, string>();
  const old = new Map<string, string>();
  const lockDebris: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(parent);
  } catch {
    // no parent, no leftovers
  }
  for (const name of names) {
    if (name.startsWith(prefix + NEW_MARK))
      staging.set(name.slice(prefix.length + NEW_MARK.length), nodePath.join(parent, name));
    else if (name.startsWith(prefix + OLD_MARK))
      old.set(name.slice(prefix.length + OLD_MARK.length), nodePath.join(parent, name));
    else if (name.startsWith(prefix + LOCK_SUFFIX + '.')) lockDebris.push(nodePath.join(parent, name));
  }
  return { staging, old, lockDebris };
}

/**
 * Finishes a write interrupted between its two renames (call with the lock held): when the target is absent
 * and a moved-away old run exists, the staging directory of the same generation is moved in if complete (roll
 * forward), else the old run is moved back (roll back).
 */
export function recover(target: string): void {
  if (fs.existsSync(target)) return;
  const { staging, old } = leftovers(target);
  for (const [generation, oldPath] of old) {
    const newPath = staging.get(generation);
    const forward = newPath !== undefined && isComplete(newPath);
    fs.renameSync(forward ? newPath : oldPath, target);
    syncDirectory(siblings(target).parent);
    return;
  }
}

/** Removes staging and moved-away directories once the target is settled (call with the lock held). */
function removeLeftovers(target: string): void {
  const { staging, old, lockDebris } = leftovers(target);
  for (const path of [...staging.values(), ...old.values()])
    fs.rmSync(path, { recursive: true, force: true });
  for (const path of lockDebris) {
    try {
      // Another process's lock file is in flight for microseconds; one older than a minute is a crash's debris.
      if (Date.now() - fs.statSync(path).mtimeMs > 60_000) fs.rmSync(path, { force: true });
    } catch {
      // gone already
    }
  }
}

/** Whether a directory holds a manifest whose every file is present and matches. */
function isComplete(directory: string): boolean {
  try {
    const manifest = readManifest(directory);
    for (const [name, entry] of Object.entries(manifest.files)) {
      const bytes = readRegularFile(nodePath.join(directory, name), entry.bytes, failure(name));
      if (bytes.byteLength !== entry.bytes || sha256(bytes) !== entry.sha256) return false;
    }
    return true;
  } catch {
    return false;
  }
}

// ---- small helpers -----------------------------------------------------------------------------------------

function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = fs.openSync(path, 'wx');
  try {
    let done = 0;
    while (done < bytes.byteLength) done += fs.writeSync(fd, bytes, done, bytes.byteLength - done);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename has happened regardless.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function isPlainName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !/[/\\\0]/.test(name);
}

function checkName(name: string): void {
  if (!isPlainName(name)) throw new ValueError('run directory', `'${name}' is not a plain file name`);
}

function isDirectory(path: string): boolean {
  try {
    return fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sleep(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

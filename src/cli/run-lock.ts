// @file The run directory's lock: an exclusive lock file holding pid, host and token; stale locks of dead processes taken over.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ValueError } from '../errors.js';

/** Appended to `P/.B` to name the lock file of the run directory `P/B`. */
export const LOCK_SUFFIX = '.neurite-lock';

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  since: string;
}

/** An exclusive lock file holding pid, host and a token; a lock of a dead process on this host is taken over. */
export class Lock {
  private released = false;
  private constructor(
    private readonly path: string,
    private readonly info: LockInfo,
  ) {}

  /** The process holding the lock at `path`, and whether it is alive; null when there is no (readable) lock. */
  static holder(path: string): { info: LockInfo; alive: boolean } | null {
    const info = readLock(path);
    return info ? { info, alive: isAlive(info) } : null;
  }

  static acquire(path: string, target: string, option: string): Lock {
    const info: LockInfo = {
      pid: process.pid,
      host: os.hostname(),
      token: crypto.randomBytes(8).toString('hex'),
      since: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(path, JSON.stringify(info) + '\n', option, target)) return new Lock(path, info);
      const holder = readLock(path);
      if (holder === null) {
        if (!fs.existsSync(path)) continue; // released in between
        throw new ValueError(
          option,
          `${target} is locked by ${path}, which neurite cannot read; remove it if no neurite process is writing the run`,
        );
      }
      if (isAlive(holder)) {
        throw new ValueError(
          option,
          `${target} is being written by another neurite process (pid ${holder.pid} on ${holder.host}, since ` +
            `${holder.since}); wait for it to finish or choose another directory (if no such process is ` +
            `running neurite, remove ${path})`,
        );
      }
      takeOver(path, holder);
    }
    throw new ValueError(option, `cannot lock ${target}: ${path} keeps changing`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (readLock(this.path)?.token === this.info.token) fs.rmSync(this.path, { force: true });
  }
}

/** Creates `path` with `text` only if it does not exist, never leaving it empty (hard link of a full file). */
function createExclusive(path: string, text: string, option: string, target: string): boolean {
  const temporary = `${path}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temporary, text, { flag: 'wx' });
  } catch (error) {
    throw new ValueError(option, `cannot write next to ${target}: ${errorText(error)}`);
  }
  try {
    fs.linkSync(temporary, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'ENOTSUP') && !isErrno(error, 'EOPNOTSUPP')) {
      throw new ValueError(option, `cannot lock ${target}: ${errorText(error)}`);
    }
    try {
      fs.writeFileSync(path, text, { flag: 'wx' }); // file systems without hard links
      return true;
    } catch (fallbackError) {
      if (isErrno(fallbackError, 'EEXIST')) return false;
      throw new ValueError(option, `cannot lock ${target}: ${errorText(fallbackError)}`);
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Removes the stale lock `holder` at `path`: renames it away (atomic, so of several processes one wins), checks
 * that what was moved is that stale lock, and puts it back if another process had replaced it meanwhile.
 */
function takeOver(path: string, holder: LockInfo): void {
  const moved = `${path}.stale-${crypto.randomBytes(6).toString('hex')}`;
  try {
    fs.renameSync(path, moved);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return; // someone else took it over
    throw error;
  }
  const what = readLock(moved);
  if (what && what.token !== holder.token) {
    try {
      fs.linkSync(moved, path); // a live lock was moved by mistake: restore it
    } catch {
      // a third process holds the lock now; either way ours is not to take
    }
  }
  fs.rmSync(moved, { force: true });
}

function readLock(path: string): LockInfo | null {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.token === 'string' &&
      typeof value.since === 'string'
    )
      return value as LockInfo;
  } catch {
    // not ours
  }
  return null;
}

/** A lock's process is alive unless it ran on this host and signal 0 says it no longer exists. */
function isAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (error) {
    return !isErrno(error, 'ESRCH');
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

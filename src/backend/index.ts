// @file Backend registry: the active backend, setBackend and getBackend. Only ops/ imports this.
import { ValueError } from '../errors.js';
import { jsBackend } from './js/index.js';
import type { Backend } from './types.js';

export type { Backend, BinaryOp, ReduceOp, UnaryOp } from './types.js';

const registry = new Map<string, Backend>([['js', jsBackend]]);
let active: Backend = jsBackend;

/** The backend that kernels run on now. */
export function backend(): Backend {
  return active;
}

/** Name of the active backend ('js' until a faster one is registered and chosen). */
export function getBackend(): string {
  return active.name;
}

/** Selects a registered backend by name. */
export function setBackend(name: string): void {
  const found = registry.get(name);
  if (!found)
    throw new ValueError(
      'setBackend',
      `unknown backend '${name}' (available: ${[...registry.keys()].join(', ')})`,
    );
  active = found;
}

/** Makes a backend selectable with setBackend. */
export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

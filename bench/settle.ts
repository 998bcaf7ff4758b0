// @file Between timed batches: let dead tensors' wasm storage return to the arena, as it does in a training loop
// that yields to the event loop (a synchronous batch itself never lets the FinalizationRegistry run).
import { collectGarbage } from '../src/backend/wasm/collect.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A full collection where Node allows one, then two event-loop turns for the finalizers. Outside any timing. */
export async function settleMemory(): Promise<void> {
  collectGarbage(true);
  await turn();
  await turn();
}

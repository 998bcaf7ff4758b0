// @file LambdaCallback: a callback from plain functions.
import type { Callback } from './callback.js';

/** Builds a callback from the hooks you pass: `new LambdaCallback({ onEpochEnd: (e, logs) => … })`. */
export class LambdaCallback implements Callback {
  constructor(hooks: Callback) {
    Object.assign(this, hooks);
  }
}

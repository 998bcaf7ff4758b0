// @file Plumbing both training workers share (worker.ts, sequence/worker.ts): the worker's global typed by its
// protocol, the text of an error for the page, and a run queued once behind the message queue.

/** A worker's global scope as its protocol types it: `Out` messages to the page, `In` messages from it. */
export interface WorkerScope<In, Out> {
  postMessage(message: Out, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<In>) => void) | null;
}

/** This worker's global scope, typed by its protocol. */
export function workerScope<In, Out>(): WorkerScope<In, Out> {
  return self as unknown as WorkerScope<In, Out>;
}

/** The text an error message to the page carries. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Returns a function that queues `run` behind the messages waiting for the worker (a zero timeout), at most once:
 * calls before it ran are dropped.
 */
export function scheduler(run: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      run();
    }, 0);
  };
}

// @file ProgressBar: a terminal progress bar with epoch, batch, loss, metrics and ETA; plain lines off a TTY or in CI.
import type { Callback, Logs, TrainContext } from './callback.js';

/** Where the bar writes: anything with write(); process.stdout in Node. */
export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBarOptions {
  stream?: Writable;
  /** Redraw the bar in place (default: when the stream is a TTY and the CI variable is unset). */
  interactive?: boolean;
  /** Bar width in characters (default 30). */
  width?: number;
  /** Off a terminal, print every n-th epoch line (and always the first and last); default 1. */
  every?: number;
}

function defaultStream(): Writable {
  const proc = (globalThis as { process?: { stdout?: Writable } }).process;
  return proc?.stdout ?? { write: (text: string) => console.log(text.trimEnd()) };
}

function isCI(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return Boolean(env?.CI);
}

export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(
      ([key, value]) =>
        `${key}: ${Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(2)}`,
    )
    .join(' - ');
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * Shows training progress. On an interactive terminal: one bar per epoch redrawn in place,
 * `Epoch 3/10 [=========>......] 45/100 - loss: 0.4321 - ETA 2.1s`. Otherwise (piped output, or CI set):
 * one plain line per epoch with its logs and duration.
 */
export class ProgressBar implements Callback {
  private readonly stream: Writable;
  private readonly interactive: boolean;
  private readonly width: number;
  private readonly every: number;
  private epochStart = 0;
  private lastDraw = 0;

  constructor(options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? defaultStream();
    this.interactive = options.interactive ?? (Boolean(this.stream.isTTY) && !isCI());
    this.width = options.width ?? 30;
    this.every = Math.max(1, Math.floor(options.every ?? 1));
  }

  onEpochBegin(): void {
    this.epochStart = performance.now();
    this.lastDraw = 0;
  }

  onBatchEnd(batch: number, logs: Logs, context: TrainContext): void {
    if (!this.interactive) return;
    const now = performance.now();
    const done = batch + 1;
    if (done < context.steps && now - this.lastDraw < 80) return; // at most ~12 redraws a second
    this.lastDraw = now;
    const elapsed = (now - this.epochStart) / 1000;
    const eta = (elapsed / done) * (context.steps - done);
    const filled = Math.min(this.width, Math.floor((done / context.steps) * this.width));
    const bar =
      '='.repeat(Math.max(0, filled - 1)) +
      (filled > 0 ? (done === context.steps ? '=' : '>') : '') +
      '.'.repeat(this.width - filled);
    const epochs = `Epoch ${this.currentEpoch + 1}/${context.epochs}`;
    this.stream.write(
      `\r\x1b[2K${epochs} [${bar}] ${done}/${context.steps} - ${formatLogs(logs)} - ETA ${duration(eta)}`,
    );
  }

  private currentEpoch = 0;

  onEpochEnd(epoch: number, logs: Logs, context: TrainContext): void {
    this.currentEpoch = epoch + 1;
    const shown =
      this.interactive ||
      epoch === 0 ||
      (epoch + 1) % this.every === 0 ||
      epoch + 1 === context.epochs ||
      context.stopTraining;
    if (!shown) return;
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const line = `Epoch ${epoch + 1}/${context.epochs} - ${duration(elapsed)} - ${formatLogs(logs)}`;
    this.stream.write(this.interactive ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  onTrainBegin(): void {
    this.currentEpoch = 0;
  }
}

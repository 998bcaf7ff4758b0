// @file The page's file and link actions: importing a CSV data set or a model file (checked completely before
// the current run changes), downloading an export, and copying the link to the clipboard.
import { parseCsv } from './csv.js';
import { checkModelFile, MAX_MODEL_BYTES, type CheckedModel } from './import.js';
import type { ToWorker } from './protocol.js';
import type { Settings } from './settings.js';
import { toast } from './toast.js';

/** What the actions need from the page. */
export interface FileActionHost {
  settings(): Settings;
  /** Switches to these settings and starts a new run of them. */
  switchTo(settings: Settings): void;
  /** Stops training (before a model import replaces the run). */
  pause(): void;
  send(message: ToWorker): void;
  /** Brings the address bar up to date. */
  writeUrl(): void;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function input(id: string): HTMLInputElement {
  const element = document.getElementById(id);
  if (!(element instanceof HTMLInputElement)) throw new Error(`playground: the page has no input #${id}`);
  return element;
}

/** The chosen file of a file input, which is then cleared so that choosing the same file again works. */
function takeFile(element: HTMLInputElement): File | null {
  const file = element.files?.[0] ?? null;
  element.value = '';
  return file;
}

/** Binds #import-csv, #import-model, #export-model, #export-onnx and #copy-link. */
export function bindFileActions(host: FileActionHost): void {
  const csvInput = input('import-csv');
  csvInput.addEventListener('change', async () => {
    const file = takeFile(csvInput);
    if (!file) return;
    try {
      const csv = parseCsv(await file.text());
      host.switchTo({ ...host.settings(), dataset: 'csv', csv, added: [] });
      toast(`Imported ${csv.points.length} points, ${csv.classNames.length} classes.`);
    } catch (error) {
      toast(message(error), true);
    }
  });

  const modelInput = input('import-model');
  modelInput.addEventListener('change', async () => {
    const file = takeFile(modelInput);
    if (!file) return;
    let model: CheckedModel;
    try {
      // Everything is checked before the current run is touched.
      if (file.size > MAX_MODEL_BYTES)
        throw new Error(`${file.name} is larger than a playground model can be`);
      model = checkModelFile(new Uint8Array(await file.arrayBuffer()), host.settings());
    } catch (error) {
      toast(`Import failed, nothing changed: ${message(error)}.`, true);
      return;
    }
    host.pause();
    host.switchTo(model.settings);
    host.send({ type: 'import', bytes: model.bytes });
  });

  for (const [id, format] of [
    ['export-model', 'safetensors'],
    ['export-onnx', 'onnx'],
  ] as const) {
    document.getElementById(id)?.addEventListener('click', () => host.send({ type: 'export', format }));
  }

  document.getElementById('copy-link')?.addEventListener('click', async () => {
    host.writeUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      toast('Link copied: it reproduces these settings and the seed.');
    } catch {
      toast(location.href);
    }
  });
}

/** Saves exported model bytes as a download named after the data set. */
export function downloadExport(bytes: Uint8Array, format: 'safetensors' | 'onnx', dataset: string): void {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `neurite-playground-${dataset}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  toast(format === 'onnx' ? 'Model exported as ONNX.' : 'Model exported as safetensors.');
}

// @file The Fashion-MNIST page's data: the four IDX files fetched from the server's /datasets/fashion-mnist/
// route or picked from disk, un-gzipped in the browser (DecompressionStream) and parsed with neurite's IDX reader.
import { data } from 'neurite';

/** Where scripts/playground.mjs and Vite's servers serve the files (web/fashion-mnist-route.mjs). */
export const FASHION_MNIST_URL = './datasets/fashion-mnist/';

/** The four files: train and test images ([n, 28, 28] bytes) and labels ([n] bytes, 0…9). */
export const FILE_ROLES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
export type FileRole = keyof typeof FILE_ROLES;

/** One split: `count` images of 28×28 grey bytes, row after row, and their labels. */
export interface ImageSplit {
  count: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface FashionData {
  train: ImageSplit;
  test: ImageSplit;
}

/** Error of the page's data loading, with a message for the status line. */
export class DataError extends Error {}

/** The bytes as they are, or un-gzipped when they start with gzip's magic bytes 1f 8b. */
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Checks images [n, 28, 28] and labels [n] in 0…9, and returns them as a split. */
export function makeSplit(
  images: data.datasets.IdxArray,
  labels: data.datasets.IdxArray,
  name: string,
): ImageSplit {
  const [count, height, width] = images.shape;
  if (images.shape.length !== 3 || height !== 28 || width !== 28)
    throw new DataError(`${name} images have shape [${images.shape.join(', ')}]; expected [n, 28, 28]`);
  if (labels.shape.length !== 1 || labels.shape[0] !== count)
    throw new DataError(`${name} labels have shape [${labels.shape.join(', ')}]; expected [${count}]`);
  const bad = labels.data.findIndex((label) => label > 9);
  if (bad >= 0) throw new DataError(`${name} label ${labels.data[bad]} at index ${bad} is not a class 0…9`);
  return { count: count!, pixels: images.data, labels: labels.data };
}

/** Parses the four files' bytes (gzipped or not) into the train and test splits. */
export async function parseFiles(bytes: Record<FileRole, Uint8Array>): Promise<FashionData> {
  const parsed = {} as Record<FileRole, data.datasets.IdxArray>;
  for (const role of Object.keys(FILE_ROLES) as FileRole[]) {
    parsed[role] = data.datasets.parseIdx(await gunzipIfNeeded(bytes[role]), FILE_ROLES[role]);
  }
  return {
    train: makeSplit(parsed.trainImages, parsed.trainLabels, 'training'),
    test: makeSplit(parsed.testImages, parsed.testLabels, 'test'),
  };
}

/** Fetches the four gzipped files from the server; a 404 carries the server's message (how to install them). */
export async function fetchFiles(base: string | URL): Promise<Record<FileRole, Uint8Array>> {
  const entries = await Promise.all(
    (Object.keys(FILE_ROLES) as FileRole[]).map(async (role) => {
      const url = new URL(`${FILE_ROLES[role]}.gz`, base);
      const response = await fetch(url);
      if (!response.ok) {
        const text = (await response.text()).slice(0, 300);
        throw new DataError(`the server has no ${FILE_ROLES[role]}.gz (HTTP ${response.status}: ${text})`);
      }
      return [role, new Uint8Array(await response.arrayBuffer())] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<FileRole, Uint8Array>;
}

/** Which file a picked one is, by its name (`train-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte`, …). */
export function roleOfName(name: string): FileRole | null {
  const base = name.toLowerCase().replace(/\.gz$/, '');
  for (const role of Object.keys(FILE_ROLES) as FileRole[]) {
    if (base.endsWith(FILE_ROLES[role]) || base.endsWith(FILE_ROLES[role].replace('-idx', '.idx')))
      return role;
  }
  return null;
}

/** Reads the four picked files, each recognised by its name; says which are missing or unknown. */
export async function readPickedFiles(files: readonly File[]): Promise<Record<FileRole, Uint8Array>> {
  const found: Partial<Record<FileRole, Uint8Array>> = {};
  const unknown: string[] = [];
  for (const file of files) {
    const role = roleOfName(file.name);
    if (role) found[role] = new Uint8Array(await file.arrayBuffer());
    else unknown.push(file.name);
  }
  const missing = (Object.keys(FILE_ROLES) as FileRole[]).filter((role) => !found[role]);
  if (missing.length > 0) {
    throw new DataError(
      `missing ${missing.map((role) => FILE_ROLES[role]).join(', ')}` +
        (unknown.length > 0 ? `; not Fashion-MNIST file names: ${unknown.join(', ')}` : '') +
        ': pick the four IDX files (gzipped or not) together',
    );
  }
  return found as Record<FileRole, Uint8Array>;
}

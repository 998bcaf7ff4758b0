// @file The Fashion-MNIST page's grid of test images: each image drawn once (28×28 grey bytes, scaled up by the
// browser), its caption updated with every score: the predicted class, and when wrong, a ✗ and the true class.
import { data } from 'neurite';

const CLASSES = data.datasets.FASHION_MNIST_CLASSES;

interface Cell {
  item: HTMLLIElement;
  caption: HTMLElement;
  label: number;
}

export class ImageGrid {
  private cells: Cell[] = [];

  constructor(private readonly list: HTMLOListElement) {}

  /** Draws the images (`pixels`: count·784 bytes) and their true labels, with no prediction yet. */
  setImages(pixels: Uint8Array, labels: Uint8Array): void {
    this.cells = Array.from(labels, (label, index) => {
      const canvas = document.createElement('canvas');
      canvas.width = 28;
      canvas.height = 28;
      canvas.setAttribute('aria-hidden', 'true');
      const ctx = canvas.getContext('2d')!;
      const image = ctx.createImageData(28, 28);
      for (let p = 0; p < 784; p++) {
        const v = 255 - pixels[index * 784 + p]!; // dark clothes on a light ground
        image.data.set([v, v, v, 255], p * 4);
      }
      ctx.putImageData(image, 0, 0);
      const caption = document.createElement('span');
      caption.className = 'image-caption';
      const item = document.createElement('li');
      item.append(canvas, caption);
      const cell = { item, caption, label };
      this.show(cell, null);
      return cell;
    });
    this.list.replaceChildren(...this.cells.map((cell) => cell.item));
  }

  /** Shows each image's predicted class (null: not scored yet). */
  setPredictions(predictions: Int32Array | null): void {
    this.cells.forEach((cell, i) => this.show(cell, predictions?.[i] ?? null));
  }

  /** How many of the shown images are predicted right. */
  get rightCount(): number {
    return this.list.querySelectorAll('li.right').length;
  }

  private show(cell: Cell, predicted: number | null): void {
    const truth = CLASSES[cell.label]!;
    const right = predicted === cell.label;
    cell.item.className = predicted === null ? '' : right ? 'right' : 'wrong';
    cell.item.dataset['label'] = String(cell.label);
    cell.item.dataset['predicted'] = predicted === null ? '' : String(predicted);
    if (predicted === null) cell.caption.textContent = truth;
    else if (right) cell.caption.textContent = `✓ ${truth}`;
    else cell.caption.textContent = `✗ ${CLASSES[predicted]!} (is ${truth})`;
    cell.item.title = cell.caption.textContent;
  }
}

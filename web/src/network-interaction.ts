// @file What the pointer and keyboard do on the network view: hovering, clicking (pins it, for touch screens) or
// arrowing to a neuron shows its output large in the decision-boundary plot; clicking a link, or Enter on a
// neuron, opens the weight editor, whose values the worker writes into the model (the views update with the next
// snapshot).
import type { ParameterEdit, Snapshot, ToWorker } from './protocol.js';
import type { NeuronFocus } from './views/heatmap.js';
import type { LinkRef, NetworkView, NodeRef } from './views/network.js';
import { WeightEditor, type WeightField } from './weight-editor.js';

/** The input features' thumbnails (values on a gridSize² grid) and names. */
export interface InputImages {
  values: Float32Array[];
  gridSize: number;
  labels: string[];
}

export class NetworkInteraction {
  private inputs: InputImages = { values: [], gridSize: 0, labels: [] };
  private latest: Snapshot | null = null;
  /** The neuron under the pointer, and the one chosen with the keyboard (the pointer wins). */
  private hovered: NodeRef | null = null;
  private keyed: NodeRef | null = null;
  private readonly editor: WeightEditor;

  constructor(
    private readonly network: NetworkView,
    private readonly send: (message: ToWorker) => void,
    private readonly redraw: () => void,
  ) {
    this.editor = new WeightEditor(
      (edits) => this.applyEdits(edits),
      () => {
        this.network.selectedLink = null;
        this.redraw();
      },
    );
    const canvas = network.canvas;
    // The canvas's name and role (a picture described in words) come from accessibility.ts; how to operate it
    // is its description.
    canvas.tabIndex = 0;
    const help = document.createElement('p');
    help.id = `${canvas.id || 'network'}-keys`;
    help.hidden = true;
    help.textContent =
      'Arrow keys choose a neuron and show its output in the plot, Escape shows the prediction again; ' +
      'Enter edits its incoming weights and bias.';
    canvas.after(help);
    canvas.setAttribute('aria-describedby', help.id);
    canvas.addEventListener('pointermove', (event) => this.onPointerMove(event));
    canvas.addEventListener('pointerleave', () => this.setHovered(null));
    canvas.addEventListener('click', (event) => this.onClick(event));
    canvas.addEventListener('keydown', (event) => this.onKey(event));
  }

  setInputs(inputs: InputImages): void {
    this.inputs = inputs;
  }

  setSnapshot(snapshot: Snapshot | null): void {
    this.latest = snapshot;
  }

  /** Forgets the chosen neuron and closes the editor (a new network). */
  reset(): void {
    this.hovered = null;
    this.keyed = null;
    this.network.highlight = null;
    this.network.selectedLink = null;
    this.editor.close(false);
  }

  /** The neuron output the heatmap should show instead of the prediction, or null for the prediction. */
  focus(): NeuronFocus | null {
    const node = this.hovered ?? this.keyed;
    if (!node) return null;
    const label = this.nodeName(node);
    if (node.column === 0) {
      const values = this.inputs.values[node.unit];
      return values ? { label, values, gridSize: this.inputs.gridSize } : null;
    }
    const snapshot = this.latest;
    const layer = snapshot?.neurons[node.column - 1];
    if (!snapshot || !layer) return null;
    const cells = snapshot.gridSize * snapshot.gridSize;
    if ((node.unit + 1) * cells > layer.length) return null;
    return {
      label,
      values: layer.subarray(node.unit * cells, (node.unit + 1) * cells),
      gridSize: snapshot.gridSize,
    };
  }

  /** "x₁", "neuron 2 of layer 1", "output". */
  private nodeName(node: NodeRef): string {
    const columns = this.network.columnSizes().length;
    if (node.column === 0) return `input ${this.inputs.labels[node.unit] ?? node.unit + 1}`;
    if (node.column === columns - 1) return 'output';
    return `layer ${node.column} neuron ${node.unit + 1}`;
  }

  private local(event: MouseEvent): [number, number] {
    const rect = this.network.canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  private onPointerMove(event: PointerEvent): void {
    const [x, y] = this.local(event);
    const node = this.network.nodeAt(x, y);
    this.network.canvas.style.cursor = node || this.network.linkAt(x, y) ? 'pointer' : '';
    this.setHovered(node);
  }

  private setHovered(node: NodeRef | null): void {
    if (node?.column === this.hovered?.column && node?.unit === this.hovered?.unit) return;
    this.hovered = node;
    this.update();
  }

  private update(): void {
    this.network.highlight = this.hovered ?? this.keyed;
    this.redraw();
  }

  private onClick(event: MouseEvent): void {
    const [x, y] = this.local(event);
    const node = this.network.nodeAt(x, y);
    if (node) {
      // A click (or a tap, where there is no hover) pins the neuron in the plot; a second click unpins it.
      const pinned = this.keyed?.column === node.column && this.keyed.unit === node.unit;
      this.keyed = pinned ? null : node;
      this.update();
      return;
    }
    const link = this.network.linkAt(x, y);
    if (!link) return;
    this.network.selectedLink = link;
    this.redraw();
    this.editor.open(
      `Weight from ${this.nodeName({ column: link.layer, unit: link.from })} to ${this.nodeName({ column: link.layer + 1, unit: link.to })}`,
      [this.linkField(link)],
      event.clientX,
      event.clientY,
    );
  }

  private linkField(link: LinkRef): WeightField {
    return {
      label: `from ${this.nodeName({ column: link.layer, unit: link.from })}`,
      value: link.weight,
      target: { layer: link.layer, to: link.to, from: link.from },
    };
  }

  private onKey(event: KeyboardEvent): void {
    const sizes = this.network.columnSizes();
    const node = this.keyed ?? { column: 0, unit: 0 };
    let next: NodeRef | null = null;
    switch (event.key) {
      case 'ArrowUp':
        next = { column: node.column, unit: Math.max(0, node.unit - 1) };
        break;
      case 'ArrowDown':
        next = { column: node.column, unit: Math.min(sizes[node.column]! - 1, node.unit + 1) };
        break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const column = Math.max(
          0,
          Math.min(sizes.length - 1, node.column + (event.key === 'ArrowLeft' ? -1 : 1)),
        );
        next = { column, unit: Math.min(node.unit, sizes[column]! - 1) };
        break;
      }
      case 'Enter':
      case ' ':
        if (this.keyed) this.editNeuron(this.keyed);
        else next = node;
        break;
      case 'Escape':
        next = null;
        this.keyed = null;
        this.update();
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next && sizes[next.column]! > 0) {
      this.keyed = next;
      this.update();
    }
  }

  /** Opens the editor with the neuron's incoming weights and its bias (inputs have none). */
  private editNeuron(node: NodeRef): void {
    const layer = this.latest?.weights[node.column - 1];
    if (!layer || node.unit >= layer.outFeatures) return;
    const fields: WeightField[] = [];
    for (let i = 0; i < layer.inFeatures; i++) {
      fields.push(
        this.linkField({
          layer: node.column - 1,
          from: i,
          to: node.unit,
          weight: layer.weight[node.unit * layer.inFeatures + i]!,
        }),
      );
    }
    fields.push({
      label: 'bias',
      value: layer.bias[node.unit]!,
      target: { layer: node.column - 1, to: node.unit, from: null },
    });
    const center = this.network.nodeCenter(node);
    const rect = this.network.canvas.getBoundingClientRect();
    this.editor.open(
      `Weights into ${this.nodeName(node)}`,
      fields,
      rect.left + (center?.x ?? 0) + 24,
      rect.top + (center?.y ?? 0) - 20,
    );
  }

  private applyEdits(edits: ParameterEdit[]): void {
    this.network.selectedLink = null;
    for (const edit of edits) this.send({ type: 'setParameter', edit });
    this.redraw();
  }
}

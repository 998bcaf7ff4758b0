// @file A small popover to type new values for weights: opened by clicking a link in the network view (one
// weight) or by Enter on a neuron (its incoming weights and bias). Values are checked before they are sent.
import './weight-editor.css';
import { MAX_EDITED_WEIGHT } from './model-edit.js';
import type { ParameterEdit } from './protocol.js';

/** One editable value: its label, the value now, and where it lives in the network. */
export interface WeightField {
  label: string;
  value: number;
  target: Omit<ParameterEdit, 'value'>;
}

/** Shows the value with enough digits to tell it from its neighbours, without float noise. */
function formatWeight(v: number): string {
  return String(Number(v.toPrecision(4)));
}

export class WeightEditor {
  private readonly form: HTMLFormElement;
  private readonly fields: HTMLElement;
  private readonly error: HTMLElement;
  private readonly title: HTMLElement;
  private current: { field: WeightField; input: HTMLInputElement }[] = [];
  private returnFocus: HTMLElement | null = null;

  constructor(
    private readonly apply: (edits: ParameterEdit[]) => void,
    private readonly onClose: () => void = () => {},
  ) {
    this.form = document.createElement('form');
    this.form.className = 'weight-editor';
    // The values are checked here, with a message in the editor, not by the browser's validation bubble.
    this.form.noValidate = true;
    this.form.setAttribute('role', 'dialog');
    this.form.hidden = true;
    this.title = document.createElement('p');
    this.title.className = 'weight-editor-title';
    this.title.id = 'weight-editor-title';
    this.form.setAttribute('aria-labelledby', this.title.id);
    this.fields = document.createElement('div');
    this.fields.className = 'weight-editor-fields';
    this.error = document.createElement('p');
    this.error.className = 'weight-editor-error';
    this.error.setAttribute('aria-live', 'polite');
    const buttons = document.createElement('div');
    buttons.className = 'weight-editor-buttons';
    const set = document.createElement('button');
    set.type = 'submit';
    set.textContent = 'Set';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    cancel.addEventListener('click', () => this.close());
    buttons.append(set, cancel);
    this.form.append(this.title, this.fields, this.error, buttons);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.close();
      }
    });
    document.addEventListener('pointerdown', (event) => {
      if (!this.form.hidden && !this.form.contains(event.target as Node)) this.close(false);
    });
    document.body.append(this.form);
  }

  get isOpen(): boolean {
    return !this.form.hidden;
  }

  /** Opens the editor at viewport point (x, y) with these fields; the first one gets the focus. */
  open(title: string, fields: WeightField[], x: number, y: number): void {
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.title.textContent = title;
    this.error.textContent = '';
    this.current = fields.map((field, i) => {
      const label = document.createElement('label');
      label.textContent = field.label;
      const input = document.createElement('input');
      input.type = 'number';
      input.step = 'any';
      input.min = String(-MAX_EDITED_WEIGHT);
      input.max = String(MAX_EDITED_WEIGHT);
      input.value = formatWeight(field.value);
      input.dataset['index'] = String(i);
      label.append(input);
      return { field, input, label };
    });
    this.fields.replaceChildren(...this.current.map((c) => c.input.parentElement!));
    this.form.hidden = false;
    const box = this.form.getBoundingClientRect();
    const left = Math.max(4, Math.min(x + 8, window.innerWidth - box.width - 4));
    const top = Math.max(4, Math.min(y + 8, window.innerHeight - box.height - 4));
    this.form.style.left = `${left}px`;
    this.form.style.top = `${top}px`;
    const first = this.current[0]?.input;
    first?.focus();
    first?.select();
  }

  close(restoreFocus = true): void {
    if (this.form.hidden) return;
    this.form.hidden = true;
    this.current = [];
    this.onClose();
    if (restoreFocus) this.returnFocus?.focus();
  }

  private submit(): void {
    const edits: ParameterEdit[] = [];
    for (const { field, input } of this.current) {
      const text = input.value.trim();
      const value = text === '' ? NaN : Number(text);
      if (!Number.isFinite(value) || Math.abs(value) > MAX_EDITED_WEIGHT) {
        this.error.textContent = `${field.label}: enter a number from −${MAX_EDITED_WEIGHT} to ${MAX_EDITED_WEIGHT}.`;
        input.focus();
        return;
      }
      if (formatWeight(value) !== formatWeight(field.value)) edits.push({ ...field.target, value });
    }
    this.close();
    if (edits.length > 0) this.apply(edits);
  }
}

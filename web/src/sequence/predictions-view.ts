// @file The shown examples as rows of tokens: input, then the model's output with right tokens green and wrong
// ones red (with the expected token for screen readers). Each row is a button that picks the heatmaps' example.
import type { ExampleView } from './protocol.js';
import { tokensToText, type VocabularyName } from './tasks.js';

function tokenCells(className: string, text: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = `tokens ${className}`;
  for (const symbol of text) span.appendChild(document.createElement('span')).textContent = symbol;
  return span;
}

/** The prediction with each token marked right or wrong. */
function predictionCells(example: ExampleView, vocabulary: VocabularyName): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = 'tokens prediction';
  example.predicted.forEach((token, i) => {
    const right = token === example.target[i];
    const cell = span.appendChild(document.createElement('span'));
    cell.className = right ? 'right' : 'wrong';
    cell.textContent = tokensToText([token], vocabulary);
    if (!right) {
      const expected = tokensToText([example.target[i]!], vocabulary);
      cell.title = `expected ${expected}`;
      const note = cell.appendChild(document.createElement('span'));
      note.className = 'visually-hidden';
      note.textContent = ` (wrong, expected ${expected})`;
    }
  });
  return span;
}

/**
 * The rows inside an <ol>: buttons made once and refilled for each snapshot (so focus and a click in progress
 * survive); the selected row has aria-pressed="true".
 */
export class PredictionsView {
  private buttons: HTMLButtonElement[] = [];
  selected = 0;

  constructor(
    readonly list: HTMLElement,
    readonly onSelect: (index: number) => void,
  ) {}

  render(examples: ExampleView[], vocabulary: VocabularyName): void {
    while (this.buttons.length > examples.length) this.buttons.pop()!.parentElement!.remove();
    while (this.buttons.length < examples.length) {
      const index = this.buttons.length;
      const button = this.list
        .appendChild(document.createElement('li'))
        .appendChild(document.createElement('button'));
      button.type = 'button';
      button.className = 'example';
      button.title = 'Show this example’s attention';
      button.addEventListener('click', () => this.onSelect(index));
      this.buttons.push(button);
    }
    examples.forEach((example, index) => {
      const button = this.buttons[index]!;
      const correct = example.predicted.filter((t, i) => t === example.target[i]).length;
      button.dataset['correct'] = String(correct);
      button.setAttribute('aria-pressed', String(index === this.selected));
      const arrow = document.createElement('span');
      arrow.className = 'arrow';
      arrow.textContent = '→';
      arrow.setAttribute('aria-hidden', 'true');
      const spoken = document.createElement('span');
      spoken.className = 'visually-hidden';
      spoken.textContent = 'model output';
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = `${correct}/${example.target.length}`;
      button.replaceChildren(
        tokenCells('input', tokensToText(example.input, vocabulary)),
        arrow,
        spoken,
        predictionCells(example, vocabulary),
        score,
      );
    });
  }
}

// @file The playground's backend switch: a select (webgpu / wasm) whose choice the training worker honours, and the
// status line that names the backend in use and the adapter. The first choice is `?backend=` if given, else webgpu
// where the browser has an adapter; the worker falls back to wasm, and says why, where webgpu cannot run it.
import {
  describeStatus,
  hasWebGpuAdapter,
  parseBackendChoice,
  type BackendChoice,
  type BackendStatus,
} from './backend-choice.js';
import type { ToWorker } from './protocol.js';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`playground: #${id} is missing`);
  return found as T;
}

/** Wires #backend to the worker (through `send`) and returns `show`, which writes the worker's answer. */
export function bindBackendSwitch(send: (message: ToWorker) => void): { show(status: BackendStatus): void } {
  const select = element<HTMLSelectElement>('backend');
  const status = element<HTMLElement>('backend-status');
  const choose = (choice: BackendChoice): void => {
    select.value = choice;
    status.textContent = `Backend: starting ${choice}…`;
    send({ type: 'backend', backend: choice });
  };
  select.addEventListener('change', () => {
    const choice = parseBackendChoice(select.value);
    if (choice) choose(choice);
  });
  void (async () => {
    const requested = parseBackendChoice(new URLSearchParams(location.search).get('backend'));
    choose(requested ?? ((await hasWebGpuAdapter()) ? 'webgpu' : 'wasm'));
  })();
  return {
    show(answer: BackendStatus): void {
      status.textContent = `Backend: ${describeStatus(answer)}`;
      status.dataset['backend'] = answer.backend;
      select.value = answer.backend === 'webgpu' ? 'webgpu' : 'wasm';
    },
  };
}

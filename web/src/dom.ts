/**
 * Small DOM helpers for the views: an element with attributes and children, and labelled
 * controls (every input has a visible <label>, so screen readers and keyboard users get the same
 * controls as everyone else).
 */

type Child = Node | string | null | undefined | false;

/** <tag attrs…>children</tag>; `on*` attributes that are functions become listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, unknown> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'className') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

let nextId = 0;

/** A <label> and its control, side by side; returns both so the caller can read the control. */
export function field<E extends HTMLElement>(
  label: string,
  control: E,
  hint?: string,
): { row: HTMLElement; control: E } {
  const id = control.id === '' ? `f${nextId++}` : control.id;
  control.id = id;
  const row = h('div', { className: 'field' }, h('label', { for: id }, label), control);
  if (hint !== undefined) row.append(h('small', {}, hint));
  return { row, control };
}

/** A number input with bounds. */
export function numberInput(value: number, min: number, max: number, step = 1, name?: string): HTMLInputElement {
  return h('input', { type: 'number', value, min, max, step, name, inputmode: 'decimal' });
}

/** A <select> of options (value, text). */
export function select(
  options: ReadonlyArray<readonly [string, string]>,
  value?: string,
  name?: string,
): HTMLSelectElement {
  const el = h('select', { name });
  for (const [v, text] of options) el.append(h('option', { value: v }, text));
  if (value !== undefined) el.value = value;
  return el;
}

/** A button that runs `action`; disabled while it runs, its error shown in `status`. */
export function button(text: string, action: () => unknown, status?: HTMLElement): HTMLButtonElement {
  const el = h('button', { type: 'button' }, text);
  el.addEventListener('click', async () => {
    el.disabled = true;
    try {
      await action();
    } catch (error) {
      if (status !== undefined) showError(status, error);
      else throw error;
    } finally {
      el.disabled = false;
    }
  });
  return el;
}

/** Put an error's message in a status line (role="alert": read out when it appears). */
export function showError(status: HTMLElement, error: unknown): void {
  status.textContent = error instanceof Error ? error.message : String(error);
  status.classList.add('error');
  status.setAttribute('role', 'alert');
}

/** Put a normal message in a status line. */
export function showStatus(status: HTMLElement, text: string): void {
  status.textContent = text;
  status.classList.remove('error');
  status.setAttribute('role', 'status');
}

/** A file picker and a drop zone around `zone` that both hand the chosen file to `take`. */
export function fileDrop(
  zone: HTMLElement,
  accept: string,
  label: string,
  take: (file: File) => unknown,
  id?: string,
): HTMLElement {
  const input = h('input', { type: 'file', accept, id });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) void take(file);
    input.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (file !== undefined) void take(file);
  });
  return field(label, input).row;
}

/** Offer bytes as a download named `name`. */
export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Building blocks every page uses: elements without innerHTML (so nothing from the service is
// ever parsed as markup), amounts in euros and dates in the reader's locale, forms that show
// the service's problem details as people read them (each field's message beside the field,
// the detail at the top), and the live region that announces what happened.

/** `h('p', {class: 'x'}, 'text', child)`: attributes named as in HTML; `on*` are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `el` shows. */
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const euros = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' });
/** Integer cents as euros in the reader's locale ("€780.00", "780,00 €"). */
export function money(cents) {
  if (cents === null || cents === undefined) return '—';
  return euros.format(Number(cents) / 100);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
/** A `YYYY-MM-DD` calendar date (no time zone shift) or an RFC 3339 instant, localised. */
export function date(value) {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dateFormat.format(new Date(`${value}T00:00:00Z`));
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : timeFormat.format(d);
}

/** The kinds of organisation the service knows (OrganisationKind), as people name them. */
export const organisationKinds = [['sme', 'SME'], ['cluster', 'Cluster organisation'], ['research', 'Research organisation'],
  ['support_organisation', 'Business support organisation'], ['public_authority', 'Public authority'], ['large_company', 'Large company']];

/** `report_accepted` → "report accepted". */
export function words(code) {
  return String(code ?? '').replaceAll('_', ' ');
}

/** A status badge with a text label (colour is never the only signal). */
export function badge(status) {
  return h('span', { class: `badge badge-${String(status).replace(/[^a-z_]/g, '')}` }, words(status));
}

/** Announces `message` to screen readers (and shows it briefly). */
export function announce(message) {
  const status = document.getElementById('status');
  if (!status) return;
  status.textContent = '';
  // A fresh text node, so the same message twice is announced twice.
  requestAnimationFrame(() => {
    status.textContent = message;
  });
}

let fieldCount = 0;

/** A labelled input. `name` is the API's member (snake_case path), used to place errors. */
export function field(label, name, { type = 'text', value = '', required = false, hint, options, attrs = {} } = {}) {
  // Unique on the page: two forms may ask for the same member (a reason per proposal), and each
  // label must point at its own control.
  const id = `f-${name.replace(/[^a-z0-9_]/gi, '-')}-${++fieldCount}`;
  const hintID = hint ? `${id}-hint` : undefined;
  const errorID = `${id}-error`;
  let control;
  if (options) {
    control = h('select', { id, name, required, 'aria-describedby': [hintID, errorID].filter(Boolean).join(' '), ...attrs },
      options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value) }, text)));
  } else if (type === 'textarea') {
    control = h('textarea', { id, name, required, 'aria-describedby': [hintID, errorID].filter(Boolean).join(' '), ...attrs });
    control.value = value ?? '';
  } else {
    control = h('input', { id, name, type, required, 'aria-describedby': [hintID, errorID].filter(Boolean).join(' '), ...attrs });
    if (value !== undefined && value !== null) control.value = value;
  }
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('p', { class: 'hint', id: hintID }, hint) : null,
    control,
    h('p', { class: 'field-error', id: errorID, hidden: true }));
}

/** The form's values by input name; numbers for `type=number`, booleans for checkboxes. */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'number') out[el.name] = el.value === '' ? null : Number(el.value);
    else if (el.type === 'file') continue;
    else out[el.name] = el.value;
  }
  return out;
}

/** A form region for messages at its top (`detail`), cleared on each attempt. */
export function formMessage() {
  return h('div', { class: 'form-message', role: 'alert', hidden: true });
}

/** Clears the messages of a previous attempt. */
export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) {
    p.hidden = true;
    p.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const m of form.querySelectorAll('.form-message')) {
    m.hidden = true;
    m.replaceChildren();
  }
}

/**
 * Shows a problem on `form`: each `errors[]` entry beside the field whose name matches its
 * `field` (or, failing that, in the list at the top), the `detail` at the top, and focus on
 * the first field in error so a keyboard user lands where the fix is.
 */
export function showProblem(form, error) {
  clearErrors(form);
  const problem = error.problem || { title: 'Something went wrong', detail: String(error.message || error) };
  const unplaced = [];
  let first = null;
  for (const e of problem.errors || []) {
    const slot = fieldSlot(form, e.field);
    if (slot) {
      const p = slot.querySelector('.field-error');
      p.hidden = false;
      p.textContent = p.textContent ? `${p.textContent} ${e.message}` : e.message;
      const control = slot.querySelector('input, select, textarea');
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        first = first || control;
      }
    } else {
      unplaced.push(e);
    }
  }
  const top = form.querySelector('.form-message');
  if (top) {
    top.hidden = false;
    show(top,
      h('p', { class: 'problem-title' }, problem.title || 'The request was refused'),
      problem.detail ? h('p', {}, problem.detail) : null,
      unplaced.length ? h('ul', {}, unplaced.map((e) => h('li', {}, e.field ? `${words(lastPart(e.field))}: ${e.message}` : e.message))) : null,
      nextSteps(problem));
  }
  if (!first && top) top.setAttribute('tabindex', '-1');
  (first || top)?.focus?.();
  announce(problem.detail || problem.title || 'The request was refused');
}

/** What the service says can be done next (`next_actions` / `steps_needed`), as a sentence. */
function nextSteps(problem) {
  const steps = problem.steps_needed || problem.next_actions;
  if (!Array.isArray(steps) || steps.length === 0) return null;
  const text = steps.map((s) => (typeof s === 'string' ? words(s) : `${words(s.action)}${Array.isArray(s.roles) && s.roles.length ? ` (${s.roles.map(words).join(', ')})` : ''}`));
  return h('p', { class: 'hint' }, problem.steps_needed ? 'Steps needed first: ' : 'What can be done now: ', text.join(', '));
}

function lastPart(path) {
  const parts = String(path).split('.');
  return parts[parts.length - 1].replace(/\[\d+\]$/, '');
}

/** The `.field` whose `data-field` is the error's field, or its last part (`organisation.iban` → `iban`). */
function fieldSlot(form, name) {
  if (!name) return null;
  const all = [...form.querySelectorAll('[data-field]')];
  return all.find((el) => el.dataset.field === name) || all.find((el) => el.dataset.field === lastPart(name)) || null;
}

/** A button that runs `action` once at a time (disabled while it runs: no double submit). */
export function busy(button, action) {
  return async (event) => {
    event?.preventDefault?.();
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await action(event);
    } catch (error) {
      // Never silent: what went wrong is shown at the top of the page and announced.
      if (error?.name !== 'AbortError') {
        const message = error?.problem?.detail || error?.problem?.title || error?.message || 'Something went wrong.';
        banner(message);
        announce(message);
      }
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  };
}

/** A form whose submit runs `action(values, form)`; problems are shown on the form. */
export function form(attrs, children, action, { submitLabel = 'Save' } = {}) {
  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const f = h('form', { novalidate: true, ...attrs }, formMessage(), children, h('div', { class: 'actions' }, submit));
  f.addEventListener('submit', busy(submit, async () => {
    clearErrors(f);
    try {
      await action(values(f), f);
    } catch (error) {
      if (error?.name === 'AbortError') return;
      showProblem(f, error);
    }
  }));
  return f;
}

/** A table with a caption and column headers; `rows` are arrays of cells. */
export function table(caption, headers, rows, { empty = 'Nothing here yet.' } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

/** A section with a heading. */
export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), children);
}

/** The page's heading; focus moves to it on navigation so screen readers hear where they are. */
export function pageTitle(text) {
  document.title = `${text} · ClusterXchange`;
  return h('h1', { tabindex: '-1', class: 'page-title' }, text);
}

/** Shows a message at the top of the page (errors that belong to no form). */
export function banner(message, kind = 'error') {
  const b = document.getElementById('banner');
  if (!b) return;
  if (!message) {
    b.hidden = true;
    b.replaceChildren();
    return;
  }
  b.className = `banner banner-${kind}`;
  b.hidden = false;
  show(b, message);
}

/** Saves `blob` as a file the person downloads. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, class: 'visually-hidden' }, filename);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A link inside the console. */
export function link(hash, text, attrs = {}) {
  return h('a', { href: hash, ...attrs }, text);
}

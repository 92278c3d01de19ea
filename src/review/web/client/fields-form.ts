/**
 * The extracted fields as an editable, labelled form: least-confident first and
 * marked, each coloured by confidence, each checked on change with the API's
 * own rules. Only values the reviewer actually changed are sent as corrections.
 */
import { h } from './dom.ts';
import {
  confidenceBand,
  displayValue,
  FIELD_HINTS,
  isFieldKey,
  isRequired,
  labelFor,
  missingKeys,
  orderFields,
  parseInput,
  sameValue,
  type FieldValue,
} from './field-rules.ts';
import type { FieldView } from './types.ts';

interface Row {
  key: string;
  original: FieldValue | null;
  input: HTMLInputElement | HTMLTextAreaElement;
  problem: HTMLElement;
  row: HTMLElement;
  low: boolean;
}

export interface FieldsFormHandle {
  element: HTMLElement;
  /** Corrections to send, or the first field that blocks approval. */
  collect(): { corrections: Record<string, FieldValue | null> } | { invalid: HTMLElement; message: string };
  focusNextLow(): void;
  focusKey(key: string): void;
  /** The current value of each field (the reviewer's edits included). */
  values(): Map<string, string>;
}

function inputId(key: string): string {
  return `field-${key.replace(/[^A-Za-z0-9]/g, '-')}`;
}

export function renderFieldsForm(
  fields: readonly FieldView[],
  threshold: number,
  hooks: { onFocusField(key: string | null): void; onChange(): void },
): FieldsFormHandle {
  const rows: Row[] = [];
  const element = h('section', { class: 'fields', 'aria-labelledby': 'fields-title' });
  const lowCount = fields.filter((f) => f.belowThreshold).length;
  element.append(
    h('h2', { id: 'fields-title' }, 'Fields ', h('span', { class: 'muted' }, lowCount ? `${lowCount} below ${Math.round(threshold * 100)}%` : 'all confident')),
  );

  const makeRow = (key: string, field: FieldView | null): HTMLElement => {
    const id = inputId(key);
    const original = field ? field.value : null;
    const low = field ? field.belowThreshold : false;
    const band = field ? confidenceBand(field.confidence, threshold) : 'missing';
    const hint = isFieldKey(key) ? FIELD_HINTS[key] : undefined;
    const input =
      key === 'referral.reason'
        ? h('textarea', { id, name: key, rows: 2, 'aria-describedby': `${id}-conf ${id}-problem`, spellcheck: 'false' })
        : h('input', { id, name: key, type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: hint, 'aria-describedby': `${id}-conf ${id}-problem` });
    input.value = original === null ? '' : displayValue(original);
    const problem = h('div', { class: 'problem', id: `${id}-problem`, role: 'alert' });
    const conf = h(
      'span',
      { class: `conf band-${band}`, id: `${id}-conf`, title: 'Extraction confidence' },
      field ? `${Math.round(field.confidence * 100)}%${low ? ' · check' : ''}` : 'not found',
    );
    const row = h(
      'div',
      { class: `field band-${band}${low ? ' low' : ''}`, 'data-key': key },
      h('label', { for: id }, labelFor(key), isRequired(key) ? h('span', { class: 'req', title: 'required' }, ' *') : null),
      conf,
      input,
      problem,
    );
    const r: Row = { key, original, input, problem, row, low };
    rows.push(r);
    input.addEventListener('focus', () => hooks.onFocusField(field ? key : null));
    input.addEventListener('input', () => {
      problem.textContent = '';
      input.removeAttribute('aria-invalid');
      row.classList.toggle('edited', !sameText(r));
      hooks.onChange();
    });
    input.addEventListener('change', () => {
      check(r, true);
      hooks.onChange();
    });
    return row;
  };

  const list = h('div', { class: 'field-list' });
  for (const f of orderFields(fields)) list.append(makeRow(f.key, f));
  element.append(list);
  const missing = missingKeys(fields);
  if (missing.length) {
    const more = h('details', { class: 'missing' }, h('summary', {}, `Fields not found (${missing.length})`));
    for (const key of missing) more.append(makeRow(key, null));
    element.append(more);
  }

  function sameText(r: Row): boolean {
    return r.input.value.trim() === (r.original === null ? '' : displayValue(r.original));
  }

  /** Puts the value in normal form; returns the value to send or null when unchanged/empty-missing. */
  function check(r: Row, rewrite: boolean): { value: FieldValue | null; problem: string | null; remove?: boolean } {
    if (sameText(r)) {
      r.problem.textContent = '';
      r.input.removeAttribute('aria-invalid');
      r.row.classList.remove('edited');
      return { value: null, problem: null };
    }
    if (r.input.value.trim() === '') {
      // Emptying a found value removes it (the extractor read something that is not there).
      r.row.classList.toggle('edited', r.original !== null);
      return { value: null, problem: null, remove: r.original !== null };
    }
    const parsed = parseInput(r.key, r.input.value);
    if (parsed.problem) {
      r.problem.textContent = parsed.problem;
      r.input.setAttribute('aria-invalid', 'true');
      return { value: null, problem: parsed.problem };
    }
    r.problem.textContent = '';
    r.input.removeAttribute('aria-invalid');
    if (rewrite) r.input.value = displayValue(parsed.value);
    const changed = r.original === null || !sameValue(parsed.value, r.original);
    r.row.classList.toggle('edited', changed);
    return { value: changed ? parsed.value : null, problem: null };
  }

  return {
    element,
    collect() {
      const corrections: Record<string, FieldValue | null> = {};
      for (const r of rows) {
        const { value, problem, remove } = check(r, true);
        if (problem) return { invalid: r.input, message: `${labelFor(r.key)}: ${problem}` };
        if (value !== null) corrections[r.key] = value;
        else if (remove) corrections[r.key] = null;
      }
      return { corrections };
    },
    focusNextLow() {
      const low = rows.filter((r) => r.low);
      if (!low.length) return;
      const at = low.findIndex((r) => r.input === document.activeElement);
      const next = low[(at + 1) % low.length]!;
      next.input.focus();
      next.input.select();
    },
    focusKey(key) {
      const r = rows.find((x) => x.key === key);
      r?.input.focus();
    },
    values() {
      return new Map(rows.map((r) => [r.key, r.input.value.trim()]));
    },
  };
}

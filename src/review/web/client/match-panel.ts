/**
 * The patient match: the referral's demographics (as the reviewer has edited
 * them) beside each candidate's record on file, with each comparison's verdict
 * from the matcher, and a choice of an existing patient or "new patient".
 */
import { clear, h } from './dom.ts';
import type { Candidate, CandidatePatient, Comparison, MatchView, PatientChoice } from './types.ts';

interface Row {
  label: string;
  compare: string;
  referral: (v: Map<string, string>) => string;
  record: (p: CandidatePatient) => string;
}

const join = (...parts: (string | null | undefined)[]) => parts.filter((p) => p && p.trim()).join(' ');

const ROWS: Row[] = [
  { label: 'First name', compare: 'firstName', referral: (v) => v.get('patient.firstName') ?? '', record: (p) => p.firstName ?? '' },
  { label: 'Middle', compare: 'middleName', referral: (v) => v.get('patient.middleName') ?? '', record: (p) => p.middleName ?? '' },
  { label: 'Last name', compare: 'lastName', referral: (v) => v.get('patient.lastName') ?? '', record: (p) => p.lastName ?? '' },
  { label: 'Date of birth', compare: 'dob', referral: (v) => v.get('patient.dob') ?? '', record: (p) => p.dob ?? '' },
  { label: 'Sex', compare: 'sex', referral: (v) => v.get('patient.sex') ?? '', record: (p) => p.sex ?? '' },
  { label: 'Phone', compare: 'phone', referral: (v) => v.get('patient.phone') ?? '', record: (p) => p.phone ?? '' },
  {
    label: 'Address',
    compare: 'address',
    referral: (v) => join(v.get('patient.address.line1'), v.get('patient.address.city'), v.get('patient.address.state')),
    record: (p) => join(p.addressLine1, p.city, p.state),
  },
  { label: 'ZIP', compare: 'postalCode', referral: (v) => v.get('patient.address.postalCode') ?? '', record: (p) => p.postalCode ?? '' },
];

const LEVEL_TEXT: Record<string, string> = {
  exact: 'same',
  agree: 'same',
  nickname: 'nickname',
  jw_high: 'close spelling',
  jw_mid: 'similar',
  phonetic: 'sounds alike',
  hyphen_part: 'part of name',
  middle_as_first: 'middle as first',
  swapped: 'first/last swapped',
  initial: 'initial',
  swapped_day_month: 'day/month swapped',
  transposed: 'digits transposed',
  one_digit: 'one digit off',
  prefix3: 'same area',
  disagree: 'differs',
  missing: 'missing',
};

function verdict(comparisons: Comparison[], field: string): HTMLElement | null {
  const c = comparisons.find((x) => x.field === field);
  if (!c) return null;
  const kind = c.weight > 0.5 ? 'agree' : c.weight < -0.5 ? 'disagree' : 'weak';
  return h('span', { class: `verdict ${kind}`, title: `${c.level} (weight ${c.weight})` }, LEVEL_TEXT[c.level] ?? c.level.replace(/_/g, ' '));
}

export interface MatchPanelHandle {
  element: HTMLElement;
  choice(): PatientChoice | null;
  choose(index: number): void;
  chooseNew(): void;
  refresh(values: Map<string, string>): void;
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A reviewer's edit invalidates the matcher's verdict: compare the edited value plainly instead. */
function editedVerdict(referral: string, record: string): HTMLElement {
  const same = squash(referral) !== '' && squash(referral) === squash(record);
  return h('span', { class: `verdict ${same ? 'agree' : 'disagree'} edited`, title: 'compared with your edit' }, same ? 'same (edited)' : 'differs (edited)');
}

export function renderMatchPanel(match: MatchView | null, values: Map<string, string>, originals: Map<string, string> = values): MatchPanelHandle {
  const candidates: Candidate[] = match?.candidates.slice(0, 9) ?? [];
  const element = h('section', { class: 'match', 'aria-labelledby': 'match-title' });
  const decisionText = !match
    ? 'No match decision yet'
    : match.decision === 'match'
      ? `Matcher linked this referral to ${match.mrn ?? 'a patient'}`
      : match.decision === 'new'
        ? 'Matcher found no plausible existing patient'
        : 'Matcher is unsure: choose the patient';
  element.append(
    h('h2', { id: 'match-title' }, 'Patient'),
    h('p', { class: 'decision' }, decisionText, match?.reason ? h('span', { class: 'muted' }, ` · ${match.reason}`) : null),
  );
  if (match?.vetoes.length) element.append(h('p', { class: 'vetoes' }, `Flags: ${match.vetoes.join(', ')}`));

  const table = h('table', { class: 'candidates' });
  element.append(h('div', { class: 'table-wrap' }, table));
  const radios: HTMLInputElement[] = [];
  const group = 'patient-choice';
  const initial = match?.decision === 'match' && match.mrn ? candidates.findIndex((c) => c.mrn === match.mrn) : -1;

  const newRadio = h('input', { type: 'radio', name: group, id: 'choice-new', value: 'new' });
  const choices = h('fieldset', { class: 'choices' }, h('legend', {}, 'Decision'));
  candidates.forEach((c, i) => {
    const radio = h('input', { type: 'radio', name: group, id: `choice-${i + 1}`, value: c.mrn });
    if (i === initial) radio.checked = true;
    radios.push(radio);
    choices.append(
      h('label', { for: `choice-${i + 1}`, class: 'choice' }, radio, h('kbd', {}, String(i + 1)), ` ${c.mrn}`, c.patient ? ` · ${join(c.patient.firstName, c.patient.lastName)}` : ''),
    );
  });
  if (match?.decision === 'new') newRadio.checked = true;
  choices.append(h('label', { for: 'choice-new', class: 'choice' }, newRadio, h('kbd', {}, '0'), ' New patient'));
  element.append(choices);

  function draw(v: Map<string, string>): void {
    clear(table);
    const head = h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'Referral'));
    candidates.forEach((c, i) =>
      head.append(
        h('th', { scope: 'col' }, h('kbd', {}, String(i + 1)), ` ${c.mrn}`, h('div', { class: 'muted' }, c.probability !== null ? `${Math.round(c.probability * 100)}% · score ${c.score.toFixed(1)}` : `score ${c.score.toFixed(1)}`)),
      ),
    );
    table.append(h('thead', {}, head));
    const body = h('tbody');
    for (const row of ROWS) {
      const tr = h('tr', {}, h('th', { scope: 'row' }, row.label), h('td', {}, row.referral(v) || '—'));
      const edited = row.referral(v) !== row.referral(originals);
      for (const c of candidates) {
        const record = c.patient ? row.record(c.patient) : '';
        tr.append(h('td', {}, c.patient ? record || '—' : '?', ' ', edited ? editedVerdict(row.referral(v), record) : verdict(c.comparisons, row.compare)));
      }
      body.append(tr);
    }
    if (candidates.some((c) => c.vetoes.length)) {
      const tr = h('tr', {}, h('th', { scope: 'row' }, 'Flags'), h('td'));
      for (const c of candidates) tr.append(h('td', { class: 'vetoes' }, c.vetoes.join(', ')));
      body.append(tr);
    }
    table.append(body);
  }
  draw(values);
  if (!candidates.length) table.replaceWith(h('p', { class: 'muted' }, 'No existing patient is a plausible match.'));

  return {
    element,
    choice() {
      if (newRadio.checked) return { newPatient: true };
      const picked = radios.findIndex((r) => r.checked);
      const c = picked >= 0 ? candidates[picked] : undefined;
      return c ? { mrn: c.mrn } : null;
    },
    choose(index) {
      const r = radios[index - 1];
      if (r) {
        r.checked = true;
        r.focus();
      }
    },
    chooseNew() {
      newRadio.checked = true;
      newRadio.focus();
    },
    refresh: draw,
  };
}

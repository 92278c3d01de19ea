/**
 * The review queue: each item's reasons, age and who holds it, with filters by
 * reason and age. Filters are non-PHI and the only thing kept in the URL
 * fragment; the patient summary the API returns is shown, never put in a URL.
 */
import { h } from './dom.ts';
import type { QueueItem } from './types.ts';

export const REASON_LABELS: Record<string, string> = {
  low_confidence: 'Low confidence',
  uncertain_match: 'Uncertain match',
  not_referral: 'Not a referral',
  possible_duplicate: 'Possible duplicate',
  invalid: 'Unreadable',
};

export const AGE_FILTERS: readonly { value: string; label: string; minAgeSeconds?: number }[] = [
  { value: '', label: 'Any age' },
  { value: '1h', label: 'Waiting over 1 hour', minAgeSeconds: 3600 },
  { value: '4h', label: 'Waiting over 4 hours', minAgeSeconds: 4 * 3600 },
  { value: '1d', label: 'Waiting over 1 day', minAgeSeconds: 86_400 },
];

export function reasonLabel(reason: string): string {
  return REASON_LABELS[reason] ?? reason.replace(/_/g, ' ');
}

export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`;
}

export interface QueueFilterState {
  reason: string;
  age: string;
}

export interface QueueViewProps {
  items: QueueItem[];
  selected: number;
  filter: QueueFilterState;
  me: string;
  hasMore: boolean;
  onFilter(filter: QueueFilterState): void;
  onOpen(index: number): void;
  onMore(): void;
}

export function renderQueue(props: QueueViewProps): HTMLElement {
  const reason = h('select', { id: 'filter-reason', name: 'reason' }, h('option', { value: '' }, 'All reasons'));
  for (const [value, label] of Object.entries(REASON_LABELS)) reason.append(h('option', { value }, label));
  reason.value = props.filter.reason;
  const age = h('select', { id: 'filter-age', name: 'age' });
  for (const f of AGE_FILTERS) age.append(h('option', { value: f.value }, f.label));
  age.value = props.filter.age;
  const changed = () => props.onFilter({ reason: reason.value, age: age.value });
  reason.addEventListener('change', changed);
  age.addEventListener('change', changed);

  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Queue filters' },
    h('label', { for: 'filter-reason' }, 'Reason'),
    reason,
    h('label', { for: 'filter-age' }, 'Age'),
    age,
  );
  filters.addEventListener('submit', (e) => e.preventDefault());

  const section = h('section', { class: 'queue', 'aria-labelledby': 'queue-title' });
  section.append(h('h1', { id: 'queue-title' }, 'Review queue ', h('span', { class: 'muted', id: 'queue-count' }, `${props.items.length}${props.hasMore ? '+' : ''} waiting`)), filters);
  if (!props.items.length) {
    section.append(h('p', { class: 'empty' }, 'Nothing to review. New referrals appear here as they arrive (Shift+R reloads).'));
    return section;
  }
  const body = h('tbody');
  props.items.forEach((item, i) => {
    const mine = item.claimedBy === props.me;
    const open = h('button', { type: 'button', class: 'link open', 'data-index': i }, item.patientName ?? 'Unnamed referral');
    open.addEventListener('click', () => props.onOpen(i));
    const row = h(
      'tr',
      { class: `${i === props.selected ? 'selected' : ''}${item.claimedBy && !mine ? ' taken' : ''}`, 'aria-selected': i === props.selected ? 'true' : 'false', 'data-id': item.id },
      h('td', {}, open, item.patientDob ? h('div', { class: 'muted' }, `DOB ${item.patientDob}`) : null),
      h('td', {}, ...item.reasons.map((r) => h('span', { class: `badge reason-${r}` }, reasonLabel(r)))),
      h('td', { class: 'num' }, formatAge(item.ageSeconds)),
      h('td', {}, item.documentType ?? '—', item.pageCount ? h('span', { class: 'muted' }, ` · ${item.pageCount} p`) : null),
      h('td', {}, item.claimedBy ? (mine ? 'you' : item.claimedBy) : h('span', { class: 'muted' }, 'free')),
    );
    row.addEventListener('dblclick', () => props.onOpen(i));
    body.append(row);
  });
  const table = h(
    'table',
    { class: 'queue-table', 'aria-describedby': 'queue-title' },
    h('thead', {}, h('tr', {}, ...['Referral', 'Reasons', 'Waiting', 'Type', 'Claimed by'].map((t) => h('th', { scope: 'col' }, t)))),
    body,
  );
  section.append(table);
  if (props.hasMore) {
    const more = h('button', { type: 'button' }, 'Load more');
    more.addEventListener('click', () => props.onMore());
    section.append(more);
  }
  section.append(h('p', { class: 'hint muted' }, 'j/k to move, Enter to open, ? for all keys.'));
  return section;
}

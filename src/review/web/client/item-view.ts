/**
 * One referral under review: claims it on opening (a second reviewer is told it
 * is taken), shows the pages with evidence boxes beside the fields and the
 * patient match, and approves (corrections + patient + the version it was read
 * at, so a stale decision is refused by the API) or rejects with a reason.
 */
import { ApiError, explainError, type ApiClient } from './api.ts';
import { clear, h } from './dom.ts';
import { renderFieldsForm, type FieldsFormHandle } from './fields-form.ts';
import type { KeyHit } from './keyboard.ts';
import { renderMatchPanel, type MatchPanelHandle } from './match-panel.ts';
import { disposePages, renderPages, type PageViewHandle } from './page-view.ts';
import { reasonLabel } from './queue-view.ts';
import type { ReferralDetail } from './types.ts';

/** Pages to show: the stored count, or the highest page any field cites, at most 50. */
function pageCount(d: ReferralDetail): number {
  const cited = Math.max(1, ...d.fields.map((f) => f.page));
  return Math.min(50, Math.max(d.pageCount ?? 0, cited));
}

export const REJECT_REASONS = [
  ['not_referral', 'Not a referral'],
  ['duplicate', 'Duplicate of another referral'],
  ['illegible', 'Illegible'],
  ['wrong_recipient', 'Sent to the wrong practice'],
  ['incomplete', 'Incomplete: sender must resend'],
  ['other', 'Other'],
] as const;

export interface ItemViewDeps {
  api: ApiClient;
  me: string;
  onDone(id: string, outcome: 'approved' | 'rejected'): void;
  onQueue(): void;
}

export interface ItemViewHandle {
  handleKey(hit: KeyHit): boolean;
  dispose(): void;
}

export function openItem(container: HTMLElement, id: string, deps: ItemViewDeps): ItemViewHandle {
  let disposed = false;
  let busy = false;
  let detail: ReferralDetail | null = null;
  let form: FieldsFormHandle | null = null;
  let match: MatchPanelHandle | null = null;
  let pagesEl: HTMLElement | null = null;
  let dialog: HTMLDialogElement | null = null;
  let readOnly = false;
  let decided = false;
  const banner = h('div', { class: 'banner', role: 'alert', hidden: true });

  clear(container);
  container.append(h('div', { class: 'item loading', 'aria-busy': 'true' }, h('p', { class: 'boot' }, 'Opening the referral…')));

  function say(message: string, kind: 'error' | 'info' | 'taken' = 'error'): void {
    banner.textContent = message;
    banner.className = `banner ${kind}`;
    banner.hidden = false;
  }

  async function load(): Promise<void> {
    let takenMessage: string | null = null;
    // Claim and read together; the claim's answer decides whether the view is editable.
    const reading = deps.api.referral(id);
    reading.catch(() => undefined);
    try {
      await deps.api.claim(id);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'CLAIMED_BY_OTHER' || err.status === 409 || err.status === 423)) {
        takenMessage = explainError(err);
        readOnly = true;
      } else {
        throw err;
      }
    }
    const d = await reading;
    if (disposed) return;
    detail = d;
    if (d.state !== 'in_review') {
      readOnly = true;
      takenMessage ??= 'This referral is no longer awaiting review. Go back to the queue (q).';
    }
    const pageView = draw(d);
    if (takenMessage) say(takenMessage, 'taken');
    // Pages arrive one by one; the form is already usable meanwhile.
    await Promise.all(
      Array.from({ length: pageCount(d) }, async (_, i) => {
        const page = i + 1;
        try {
          const image = await deps.api.pageImage(id, page);
          if (disposed) URL.revokeObjectURL(image.url);
          else pageView.setImage(page, image);
        } catch (err) {
          if (!disposed) pageView.setImage(page, { error: err instanceof ApiError ? err.code : 'unreachable' });
        }
      }),
    );
  }

  function draw(d: ReferralDetail): PageViewHandle {
    const pageView = renderPages(pageCount(d), d.fields, d.reviewThreshold, (key) => form?.focusKey(key));
    pagesEl = pageView.element;
    form = renderFieldsForm(d.fields, d.reviewThreshold, {
      onFocusField: (key) => pageView.select(key),
      onChange: () => match?.refresh(form?.values() ?? new Map()),
    });
    match = renderMatchPanel(d.match, form.values(), form.values());
    const approve = h('button', { type: 'button', class: 'primary', id: 'approve', disabled: readOnly }, 'Approve ', h('kbd', {}, 'Ctrl+Enter'));
    const reject = h('button', { type: 'button', class: 'danger', id: 'reject', disabled: readOnly }, 'Reject… ', h('kbd', {}, 'r'));
    approve.addEventListener('click', () => void doApprove());
    reject.addEventListener('click', () => openReject());
    const back = h('button', { type: 'button', class: 'link' }, '← Queue ', h('kbd', {}, 'q'));
    back.addEventListener('click', () => deps.onQueue());
    const summary = h(
      'header',
      { class: 'item-head' },
      back,
      h('span', { class: 'reasons' }, ...d.reviewReasons.map((r) => h('span', { class: `badge reason-${r}` }, reasonLabel(r)))),
      h('span', { class: 'muted' }, `${d.documentType ?? 'unknown type'} · ${d.pageCount ?? '?'} page(s) · version ${d.version}`),
    );
    const side = h(
      'div',
      { class: 'side' },
      summary,
      banner,
      form.element,
      match.element,
      h('div', { class: 'actions' }, approve, reject),
    );
    clear(container);
    container.append(h('div', { class: 'item', 'data-item-id': d.id }, pageView.element, side));
    // Start where the reviewer's attention is needed: the least confident field.
    if (!readOnly) form.focusNextLow();
    return pageView;
  }

  async function doApprove(): Promise<void> {
    if (!detail || !form || !match || busy || readOnly) return;
    const collected = form.collect();
    if ('invalid' in collected) {
      say(`Fix this before approving — ${collected.message}`);
      collected.invalid.focus();
      return;
    }
    const patient = match.choice();
    if (!patient) {
      say('Choose the patient: a candidate (keys 1–9) or a new patient (key 0).');
      match.element.querySelector<HTMLInputElement>('input[type=radio]')?.focus();
      return;
    }
    busy = true;
    say('Approving…', 'info');
    try {
      await deps.api.approve(detail.id, { version: detail.version, corrections: collected.corrections, patient });
      decided = true;
      deps.onDone(detail.id, 'approved');
    } catch (err) {
      say(explainError(err));
      if (err instanceof ApiError && typeof err.details.field === 'string') form.focusKey(err.details.field);
    } finally {
      busy = false;
    }
  }

  function openReject(): void {
    if (!detail || readOnly || dialog) return;
    const select = h('select', { id: 'reject-reason', required: true });
    for (const [value, label] of REJECT_REASONS) select.append(h('option', { value }, label));
    const note = h('textarea', { id: 'reject-note', rows: 3, maxlength: 500, spellcheck: 'false' });
    const problem = h('p', { class: 'problem', role: 'alert' });
    const confirm = h('button', { type: 'submit', class: 'danger' }, 'Reject');
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const formEl = h(
      'form',
      { method: 'dialog', class: 'reject-form' },
      h('h2', {}, 'Reject this referral'),
      h('label', { for: 'reject-reason' }, 'Reason ', h('span', { class: 'muted' }, '(Enter confirms)')),
      select,
      h('label', { for: 'reject-note' }, 'Note for the record (optional, no patient details)'),
      note,
      problem,
      h('div', { class: 'actions' }, confirm, cancel),
    );
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'reject-title' }, formEl);
    dialog = dlg;
    const close = () => {
      dlg.close();
      dlg.remove();
      dialog = null;
    };
    cancel.addEventListener('click', close);
    // Enter on the reason (a select does not submit by itself) or Ctrl+Enter anywhere confirms.
    formEl.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.target === select || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        formEl.requestSubmit();
      }
    });
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault();
      close();
    });
    formEl.addEventListener('submit', (e) => {
      e.preventDefault();
      const reason = select.value;
      const text = note.value.trim();
      void (async () => {
        if (!detail || busy) return;
        busy = true;
        try {
          await deps.api.reject(detail.id, { version: detail.version, reason, ...(text ? { note: text } : {}) });
          decided = true;
          close();
          deps.onDone(detail.id, 'rejected');
        } catch (err) {
          problem.textContent = explainError(err);
        } finally {
          busy = false;
        }
      })();
    });
    document.body.append(dlg);
    dlg.showModal();
    select.focus();
  }

  load().catch((err: unknown) => {
    if (disposed) return;
    clear(container);
    const back = h('button', { type: 'button' }, 'Back to the queue');
    back.addEventListener('click', () => deps.onQueue());
    container.append(h('div', { class: 'item-error' }, h('p', { class: 'banner error', role: 'alert' }, explainError(err)), back));
  });

  return {
    handleKey(hit) {
      if (dialog) return false;
      switch (hit.action) {
        case 'approve':
          void doApprove();
          return true;
        case 'reject':
          openReject();
          return true;
        case 'nextLowField':
          form?.focusNextLow();
          return true;
        case 'chooseCandidate':
          match?.choose(hit.index ?? 1);
          return true;
        case 'newPatient':
          match?.chooseNew();
          return true;
        default:
          return false;
      }
    },
    dispose() {
      disposed = true;
      dialog?.remove();
      if (pagesEl) disposePages(pagesEl);
      // Leaving an item undecided hands it back to the queue at once.
      if (detail && !readOnly && !decided) deps.api.release(id).catch(() => undefined);
    },
  };
}

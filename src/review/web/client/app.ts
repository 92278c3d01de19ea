/**
 * The reviewer page's controller: sign-in, the queue, the item view, the
 * keyboard and the idle sign-out. Routes live in the URL fragment and carry only
 * opaque item ids (`#/item/<uuid>`), never patient data.
 */
import { ApiError, createApi, explainError, type ApiClient } from './api.ts';
import { clear, h, isEditable } from './dom.ts';
import { openItem, type ItemViewHandle } from './item-view.ts';
import { actionFor, KEYMAP, type KeyHit } from './keyboard.ts';
import { AGE_FILTERS, renderQueue, type QueueFilterState } from './queue-view.ts';
import { clearToken, IDLE_SIGN_OUT_MS, loadToken, saveToken, startIdleTimer, type IdleTimer, type TokenStore } from './session.ts';
import type { Me, QueueItem } from './types.ts';

const ITEM_ROUTE = /^#\/item\/([0-9a-f-]{36})$/i;

export class ReviewerApp {
  private readonly root: HTMLElement;
  private readonly storage: TokenStore;
  private readonly api: ApiClient;
  private token: string | null;
  private me: Me | null = null;
  private idle: IdleTimer | null = null;
  private main: HTMLElement | null = null;
  private items: QueueItem[] = [];
  private cursor: string | null = null;
  private selected = 0;
  private filter: QueueFilterState = { reason: '', age: '' };
  private item: { id: string; view: ItemViewHandle } | null = null;
  private help: HTMLDialogElement | null = null;
  private notice: string | null = null;
  private readonly done = new Set<string>();

  constructor(root: HTMLElement, storage: TokenStore) {
    this.root = root;
    this.storage = storage;
    this.token = loadToken(storage);
    this.api = createApi(
      () => this.token,
      () => this.signOut('Your sign-in is no longer valid. Sign in again with your reviewer token.'),
    );
  }

  start(): void {
    document.addEventListener('keydown', (e) => this.onKey(e));
    for (const type of ['keydown', 'pointerdown', 'wheel'] as const) {
      document.addEventListener(type, () => this.idle?.touch(), { passive: true });
    }
    window.addEventListener('hashchange', () => void this.route());
    if (this.token) void this.afterSignIn();
    else this.showSignIn(null);
  }

  // ---- session -----------------------------------------------------------

  private showSignIn(message: string | null): void {
    this.disposeItem();
    clear(this.root);
    const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'token-help' });
    const problem = h('p', { class: 'problem', role: 'alert' }, message ?? '');
    const form = h(
      'form',
      { class: 'signin', 'aria-labelledby': 'signin-title' },
      h('h1', { id: 'signin-title' }, 'Referral review'),
      h('label', { for: 'token' }, 'Reviewer token'),
      input,
      h('p', { id: 'token-help', class: 'muted' }, 'Ask an administrator for one (intake users add NAME --role reviewer). It is kept for this browser tab only; you are signed out after ', String(Math.round(IDLE_SIGN_OUT_MS / 60_000)), ' minutes idle.'),
      problem,
      h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      this.token = token;
      saveToken(this.storage, token);
      input.value = '';
      void this.afterSignIn();
    });
    this.root.append(form);
    input.focus();
  }

  private async afterSignIn(): Promise<void> {
    try {
      this.me = await this.api.me();
    } catch (err) {
      const message = err instanceof ApiError && (err.status === 401 || err.status === 403) ? 'That token was not accepted.' : explainError(err);
      this.signOut(message);
      return;
    }
    this.idle?.stop();
    this.idle = startIdleTimer(IDLE_SIGN_OUT_MS, () => this.signOut('You were signed out after a period of inactivity.'));
    this.drawShell();
    await this.route();
  }

  private signOut(message: string | null): void {
    this.idle?.stop();
    this.idle = null;
    this.token = null;
    this.me = null;
    this.items = [];
    clearToken(this.storage);
    if (location.hash) history.replaceState(null, '', location.pathname);
    this.showSignIn(message);
  }

  private drawShell(): void {
    clear(this.root);
    const helpButton = h('button', { type: 'button', class: 'link', 'aria-haspopup': 'dialog' }, 'Keys ', h('kbd', {}, '?'));
    helpButton.addEventListener('click', () => this.toggleHelp());
    const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
    signOut.addEventListener('click', () => this.signOut(null));
    this.main = h('main', { id: 'main', tabindex: '-1' });
    this.root.append(
      h(
        'header',
        { class: 'top' },
        h('span', { class: 'brand' }, 'Referral review'),
        h('span', { class: 'spacer' }),
        h('span', { class: 'muted' }, `Signed in as ${this.me?.name ?? ''}`),
        helpButton,
        signOut,
      ),
      this.main,
    );
  }

  // ---- routing -------------------------------------------------------------

  private async route(): Promise<void> {
    if (!this.me || !this.main) return;
    const m = ITEM_ROUTE.exec(location.hash);
    if (m?.[1]) {
      if (this.item?.id === m[1]) return;
      if (!this.items.length) await this.loadQueue(false);
      this.showItem(m[1]);
    } else {
      this.disposeItem();
      await this.loadQueue(false);
      this.drawQueue();
    }
  }

  private go(hash: string): void {
    if (location.hash === hash) void this.route();
    else location.hash = hash;
  }

  // ---- queue -----------------------------------------------------------------

  private async loadQueue(more: boolean): Promise<void> {
    const age = AGE_FILTERS.find((f) => f.value === this.filter.age);
    try {
      const page = await this.api.queue({
        reason: this.filter.reason || undefined,
        minAgeSeconds: age?.minAgeSeconds,
        limit: 50,
        cursor: more ? (this.cursor ?? undefined) : undefined,
      });
      const fresh = page.items.filter((i) => !this.done.has(i.id));
      this.items = more ? [...this.items, ...fresh] : fresh;
      this.cursor = page.nextCursor;
      this.selected = Math.min(this.selected, Math.max(0, this.items.length - 1));
    } catch (err) {
      this.notice = explainError(err);
    }
  }

  private drawQueue(): void {
    if (!this.main) return;
    clear(this.main);
    if (this.notice) {
      this.main.append(h('p', { class: 'banner info', role: 'status' }, this.notice));
      this.notice = null;
    }
    this.main.append(
      renderQueue({
        items: this.items,
        selected: this.selected,
        filter: this.filter,
        me: this.me?.name ?? '',
        hasMore: this.cursor !== null,
        onFilter: (f) => {
          this.filter = f;
          this.selected = 0;
          void this.loadQueue(false).then(() => this.drawQueue());
        },
        onOpen: (i) => this.openIndex(i),
        onMore: () => void this.loadQueue(true).then(() => this.drawQueue()),
      }),
    );
    document.body.dataset.view = 'queue';
    performance.mark('queue-interactive');
  }

  private openIndex(i: number): void {
    const item = this.items[i];
    if (!item) return;
    this.selected = i;
    this.go(`#/item/${item.id}`);
  }

  private moveSelection(delta: number): void {
    if (!this.items.length) return;
    this.selected = Math.max(0, Math.min(this.items.length - 1, this.selected + delta));
    if (this.item) {
      this.openIndex(this.selected);
      return;
    }
    this.drawQueue();
    this.main?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }

  // ---- item ------------------------------------------------------------------

  private showItem(id: string): void {
    if (!this.main || !this.me) return;
    this.disposeItem();
    const index = this.items.findIndex((i) => i.id === id);
    if (index >= 0) this.selected = index;
    document.body.dataset.view = 'item';
    const view = openItem(this.main, id, {
      api: this.api,
      me: this.me.name,
      onQueue: () => this.go('#/queue'),
      onDone: (doneId) => void this.next(doneId),
    });
    this.item = { id, view };
  }

  /** After a decision the next free item opens at once. */
  private async next(doneId: string): Promise<void> {
    this.done.add(doneId);
    this.disposeItem();
    await this.loadQueue(false);
    const me = this.me?.name;
    const nextIndex = this.items.findIndex((i) => !this.done.has(i.id) && (!i.claimedBy || i.claimedBy === me));
    if (nextIndex >= 0) {
      this.openIndex(nextIndex);
    } else {
      this.notice = 'Done: no more free items in the queue.';
      this.go('#/queue');
    }
  }

  private disposeItem(): void {
    this.item?.view.dispose();
    this.item = null;
  }

  // ---- keyboard ----------------------------------------------------------------

  private toggleHelp(): void {
    if (this.help) {
      this.help.close();
      this.help.remove();
      this.help = null;
      return;
    }
    const rows = KEYMAP.map((b) =>
      h('tr', {}, h('td', {}, ...b.keys.flatMap((k, i) => [i ? ' or ' : '', h('kbd', {}, k)])), h('td', {}, b.label), h('td', { class: 'muted' }, b.where)),
    );
    const close = h('button', { type: 'button' }, 'Close');
    const dlg = h(
      'dialog',
      { class: 'dialog help', 'aria-labelledby': 'help-title' },
      h('h2', { id: 'help-title' }, 'Keyboard'),
      h('p', { class: 'muted' }, 'Single letters work when no text field has focus; chords (Ctrl/Alt) work everywhere.'),
      h('table', {}, h('tbody', {}, ...rows)),
      close,
    );
    close.addEventListener('click', () => this.toggleHelp());
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault();
      this.toggleHelp();
    });
    document.body.append(dlg);
    dlg.showModal();
    close.focus();
    this.help = dlg;
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.me) return;
    const editable = isEditable(e.target);
    const hit: KeyHit | null = actionFor(e, editable);
    if (!hit) return;
    if (this.help) {
      if (hit.action === 'help' || hit.action === 'escape') {
        e.preventDefault();
        this.toggleHelp();
      }
      return;
    }
    if (document.querySelector('dialog[open]')) return;
    let handled = true;
    switch (hit.action) {
      case 'help':
        this.toggleHelp();
        break;
      case 'escape':
        if (editable && e.target instanceof HTMLElement) e.target.blur();
        else handled = false;
        break;
      case 'nextItem':
        this.moveSelection(1);
        break;
      case 'previousItem':
        this.moveSelection(-1);
        break;
      case 'reload':
        if (this.item) {
          const id = this.item.id;
          this.disposeItem();
          this.showItem(id);
        } else {
          void this.loadQueue(false).then(() => this.drawQueue());
        }
        break;
      case 'queue':
        if (this.item) this.go('#/queue');
        else handled = false;
        break;
      case 'openItem':
        if (!this.item && !editable) this.openIndex(this.selected);
        else handled = false;
        break;
      default:
        handled = this.item ? this.item.view.handleKey(hit) : false;
    }
    if (handled) e.preventDefault();
  }
}

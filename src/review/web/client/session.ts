/**
 * The reviewer's token lives in sessionStorage only: it dies with the tab, is
 * never written to localStorage, cookies or the URL, and is dropped after
 * IDLE_SIGN_OUT_MS without keyboard or pointer activity (a shared workstation
 * left open must not stay signed in).
 */

export const IDLE_SIGN_OUT_MS = 15 * 60_000;
const TOKEN_KEY = 'reviewer.token';

export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function loadToken(storage: TokenStore): string | null {
  try {
    return storage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(storage: TokenStore, token: string): void {
  storage.setItem(TOKEN_KEY, token);
}

export function clearToken(storage: TokenStore): void {
  try {
    storage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: nothing to clear
  }
}

export interface IdleTimer {
  touch(): void;
  stop(): void;
}

/** Calls onIdle once after `ms` without a touch(); touch() restarts the wait. */
export function startIdleTimer(ms: number, onIdle: () => void, clock: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis): IdleTimer {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = clock.setTimeout(() => {
      stopped = true;
      onIdle();
    }, ms);
  };
  arm();
  return {
    touch: () => {
      if (!stopped) arm();
    },
    stop: () => {
      stopped = true;
      if (handle !== undefined) clock.clearTimeout(handle);
    },
  };
}

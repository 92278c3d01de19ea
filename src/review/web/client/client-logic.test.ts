/**
 * The client's pure logic, without a browser: the keyboard map, the idle
 * sign-out, token storage, field ordering and validation (the API's own rules),
 * and the plain-language error hints.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, explainError } from './api.ts';
import { confidenceBand, missingKeys, orderFields, parseInput } from './field-rules.ts';
import { actionFor, KEYMAP, type KeyInput } from './keyboard.ts';
import { formatAge } from './queue-view.ts';
import { clearToken, loadToken, saveToken, startIdleTimer, type TokenStore } from './session.ts';
import type { FieldView } from './types.ts';

const key = (k: string, code: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  code,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('keyboard map', () => {
  it('maps letters outside fields and chords everywhere', () => {
    expect(actionFor(key('j', 'KeyJ'), false)).toEqual({ action: 'nextItem' });
    expect(actionFor(key('k', 'KeyK'), false)).toEqual({ action: 'previousItem' });
    expect(actionFor(key('l', 'KeyL'), false)).toEqual({ action: 'nextLowField' });
    expect(actionFor(key('a', 'KeyA'), false)).toEqual({ action: 'approve' });
    expect(actionFor(key('r', 'KeyR'), false)).toEqual({ action: 'reject' });
    expect(actionFor(key('R', 'KeyR', { shiftKey: true }), false)).toEqual({ action: 'reload' });
    expect(actionFor(key('?', 'Slash', { shiftKey: true }), false)).toEqual({ action: 'help' });
    expect(actionFor(key('3', 'Digit3'), false)).toEqual({ action: 'chooseCandidate', index: 3 });
    expect(actionFor(key('0', 'Digit0'), false)).toEqual({ action: 'newPatient' });
    expect(actionFor(key('Enter', 'Enter', { ctrlKey: true }), true)).toEqual({ action: 'approve' });
    expect(actionFor(key('Enter', 'Enter', { metaKey: true }), true)).toEqual({ action: 'approve' });
    expect(actionFor(key('¬', 'KeyL', { altKey: true }), true)).toEqual({ action: 'nextLowField' });
    expect(actionFor(key('®', 'KeyR', { altKey: true }), true)).toEqual({ action: 'reject' });
    expect(actionFor(key('ArrowDown', 'ArrowDown', { altKey: true }), true)).toEqual({ action: 'nextItem' });
    expect(actionFor(key('Escape', 'Escape'), true)).toEqual({ action: 'escape' });
  });

  it('leaves typing alone inside a field', () => {
    for (const [k, code] of [['a', 'KeyA'], ['j', 'KeyJ'], ['1', 'Digit1'], ['?', 'Slash'], ['Enter', 'Enter'], ['r', 'KeyR']] as const) {
      expect(actionFor(key(k, code), true)).toBeNull();
    }
    expect(actionFor(key('c', 'KeyC', { ctrlKey: true }), false)).toBeNull();
    expect(actionFor(key('x', 'KeyX'), false)).toBeNull();
  });

  it('lists every action in the help overlay', () => {
    const listed = new Set(KEYMAP.map((b) => b.action));
    for (const a of ['nextItem', 'previousItem', 'nextLowField', 'approve', 'reject', 'help'] as const) expect(listed.has(a)).toBe(true);
  });
});

describe('session', () => {
  const memory = (): TokenStore & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
  };

  it('keeps the token under one key and clears it', () => {
    const s = memory();
    expect(loadToken(s)).toBeNull();
    saveToken(s, 'rit_abc');
    expect(loadToken(s)).toBe('rit_abc');
    expect([...s.data.keys()]).toEqual(['reviewer.token']);
    clearToken(s);
    expect(s.data.size).toBe(0);
  });

  it('survives a storage that throws', () => {
    const broken: TokenStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => undefined,
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadToken(broken)).toBeNull();
    expect(() => clearToken(broken)).not.toThrow();
  });

  it('signs out once after the idle time, and activity postpones it', () => {
    let now = 0;
    const timers: { at: number; fn: () => void; id: number }[] = [];
    let nextId = 1;
    const clock = {
      setTimeout: ((fn: () => void, ms: number) => {
        const id = nextId++;
        timers.push({ at: now + ms, fn, id });
        return id;
      }) as unknown as typeof setTimeout,
      clearTimeout: ((id: number) => {
        const i = timers.findIndex((t) => t.id === id);
        if (i >= 0) timers.splice(i, 1);
      }) as unknown as typeof clearTimeout,
    };
    const advance = (ms: number) => {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    };
    let idle = 0;
    const timer = startIdleTimer(1000, () => idle++, clock);
    advance(900);
    timer.touch();
    advance(900);
    expect(idle).toBe(0);
    advance(200);
    expect(idle).toBe(1);
    timer.touch();
    advance(5000);
    expect(idle).toBe(1);
  });
});

describe('field rules', () => {
  const f = (key: string, confidence: number, belowThreshold: boolean): FieldView => ({
    key,
    value: 'x',
    confidence,
    page: 1,
    bbox: [0, 0, 1, 1],
    belowThreshold,
  });

  it('puts low-confidence fields first, least sure first, then the spec order', () => {
    const ordered = orderFields([
      f('referral.date', 0.99, false),
      f('patient.firstName', 0.99, false),
      f('referral.reason', 0.7, true),
      f('patient.dob', 0.5, true),
    ]).map((x) => x.key);
    expect(ordered).toEqual(['patient.dob', 'referral.reason', 'patient.firstName', 'referral.date']);
    expect(missingKeys([f('patient.firstName', 1, false)])).not.toContain('patient.firstName');
    expect(missingKeys([])).toHaveLength(24);
  });

  it('bands confidence around the threshold', () => {
    expect(confidenceBand(0.97, 0.95)).toBe('high');
    expect(confidenceBand(0.8, 0.95)).toBe('medium');
    expect(confidenceBand(0.5, 0.95)).toBe('low');
  });

  it('normalises typed values and applies the API rules', () => {
    const today = new Date('2026-01-15T00:00:00Z');
    expect(parseInput('patient.dob', '03/14/1962', today)).toEqual({ value: '1962-03-14', problem: null });
    expect(parseInput('patient.dob', '13/45/1962', today).problem).toMatch(/date/);
    expect(parseInput('patient.dob', '2030-01-01', today).problem).not.toBeNull();
    expect(parseInput('referringProvider.npi', '1234567893', today)).toEqual({ value: '1234567893', problem: null });
    expect(parseInput('referringProvider.npi', '1234567890', today).problem).toMatch(/NPI/);
    expect(parseInput('referral.diagnosisCodes', 'm54.50, i10', today)).toEqual({ value: ['M54.50', 'I10'], problem: null });
    expect(parseInput('referral.diagnosisCodes', 'hello', today).problem).toMatch(/ICD-10/);
    expect(parseInput('patient.phone', '(512) 555-0199', today)).toEqual({ value: '5125550199', problem: null });
    expect(parseInput('patient.address.state', 'Texas', today)).toEqual({ value: 'TX', problem: null });
    expect(parseInput('patient.dob', '   ', today).problem).toBe('empty value');
    expect(parseInput('not.a.field', 'x', today).problem).toBe('unknown field');
  });
});

describe('error hints', () => {
  it('says what to do for stale versions, taken items and refusals', () => {
    expect(explainError(new ApiError(409, 'VERSION_STALE', 'x'))).toMatch(/changed since you opened it.*Shift\+R/);
    expect(explainError(new ApiError(409, 'CLAIMED_BY_OTHER', 'x', { claimedBy: 'rob' }))).toMatch(/taken: rob is working on it/);
    expect(explainError(new ApiError(403, 'FORBIDDEN', 'x'))).toMatch(/not allowed/);
    expect(explainError(new ApiError(401, 'UNAUTHORIZED', 'x'))).toMatch(/Sign in again/);
    expect(explainError(new ApiError(500, 'INTERNAL', 'internal error'))).toMatch(/INTERNAL/);
    expect(explainError(new Error('offline'))).toMatch(/could not be reached/);
  });

  it('formats ages compactly', () => {
    expect(formatAge(42)).toBe('42 s');
    expect(formatAge(3 * 60 + 5)).toBe('3 min');
    expect(formatAge(2 * 3600 + 5 * 60)).toBe('2 h 5 min');
    expect(formatAge(3 * 86_400 + 4 * 3600)).toBe('3 d 4 h');
  });
});

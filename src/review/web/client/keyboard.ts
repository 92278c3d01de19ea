/**
 * The keyboard map, as data: the help overlay is drawn from it and the key
 * handler decides from it, so the two cannot disagree. Plain letters act only
 * outside text fields; the Alt/Ctrl chords work everywhere (while typing a
 * correction too). Keys are matched on `event.code` so layouts do not matter.
 */

export type KeyAction =
  | 'nextItem'
  | 'previousItem'
  | 'nextLowField'
  | 'approve'
  | 'reject'
  | 'openItem'
  | 'newPatient'
  | 'chooseCandidate'
  | 'reload'
  | 'queue'
  | 'help'
  | 'escape';

export interface KeyBinding {
  action: KeyAction;
  keys: string[];
  label: string;
  where: 'queue' | 'item' | 'everywhere';
}

export const KEYMAP: readonly KeyBinding[] = [
  { action: 'nextItem', keys: ['j', 'Alt+ArrowDown'], label: 'Next item', where: 'everywhere' },
  { action: 'previousItem', keys: ['k', 'Alt+ArrowUp'], label: 'Previous item', where: 'everywhere' },
  { action: 'openItem', keys: ['Enter'], label: 'Open the selected item', where: 'queue' },
  { action: 'nextLowField', keys: ['l', 'Alt+L'], label: 'Next low-confidence field', where: 'item' },
  { action: 'chooseCandidate', keys: ['1…9'], label: 'Choose patient candidate 1–9', where: 'item' },
  { action: 'newPatient', keys: ['0'], label: 'Choose "new patient"', where: 'item' },
  { action: 'approve', keys: ['Ctrl+Enter', 'a'], label: 'Approve with corrections', where: 'item' },
  { action: 'reject', keys: ['Alt+R', 'r'], label: 'Reject with a reason', where: 'item' },
  { action: 'reload', keys: ['Shift+R'], label: 'Reload (queue or item)', where: 'everywhere' },
  { action: 'queue', keys: ['q'], label: 'Back to the queue', where: 'item' },
  { action: 'help', keys: ['?'], label: 'Show or hide this help', where: 'everywhere' },
  { action: 'escape', keys: ['Esc'], label: 'Close a dialog / leave a field', where: 'everywhere' },
];

export interface KeyInput {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

export interface KeyHit {
  action: KeyAction;
  /** 1-based candidate number for chooseCandidate. */
  index?: number;
}

/** Which action a key press means; null when it is not a shortcut here. */
export function actionFor(e: KeyInput, inEditable: boolean): KeyHit | null {
  const ctrl = e.ctrlKey || e.metaKey;
  if (e.key === 'Escape') return { action: 'escape' };
  if (ctrl && e.key === 'Enter') return { action: 'approve' };
  if (e.altKey && !ctrl) {
    if (e.code === 'ArrowDown') return { action: 'nextItem' };
    if (e.code === 'ArrowUp') return { action: 'previousItem' };
    if (e.code === 'KeyL') return { action: 'nextLowField' };
    if (e.code === 'KeyR') return { action: 'reject' };
    return null;
  }
  if (inEditable || ctrl || e.altKey) return null;
  if (e.shiftKey && e.code === 'KeyR') return { action: 'reload' };
  if (e.key === '?') return { action: 'help' };
  if (e.shiftKey) return null;
  if (e.key === 'Enter') return { action: 'openItem' };
  switch (e.code) {
    case 'KeyJ':
      return { action: 'nextItem' };
    case 'KeyK':
      return { action: 'previousItem' };
    case 'KeyL':
      return { action: 'nextLowField' };
    case 'KeyA':
      return { action: 'approve' };
    case 'KeyR':
      return { action: 'reject' };
    case 'KeyQ':
      return { action: 'queue' };
    default:
      break;
  }
  const digit = /^Digit([0-9])$/.exec(e.code);
  if (digit) {
    const n = Number(digit[1]);
    return n === 0 ? { action: 'newPatient' } : { action: 'chooseCandidate', index: n };
  }
  return null;
}

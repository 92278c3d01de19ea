/**
 * Checkbox lists ("☐ Orthopedics / ☒ Cardiology / ☐ Dermatology", "[X] Urgent
 * [ ] Routine", "Sex: ☐ M ☒ F"), in a column or in a row. A value is taken only when exactly one
 * box reads as checked and every other option's box reads as empty: OCR turns
 * boxes into all sorts of glyphs ("[X]" → "IX]", a filled box → "@", "®", "M";
 * an empty one → "[J", "CJ", "O"), and a box we cannot classify makes the list
 * unreadable rather than guessed. The label of an unchecked box is never taken.
 */
import { normalizeSex, normalizeUrgency } from '../normalize/codes.ts';
import { capitalisedSpecialty, findSpecialty } from '../normalize/specialty.ts';
import { minConfidence, wordsBox, type Candidate } from './candidates.ts';
import { wordPiece, type PageInfo, type Word } from './segments.ts';

const CHECKED = /^(\[\s?[xX×✓✔vV*]\s?[\]jJ1l|)]?|[iIlL|]?[xX×][\]jJ1l|)]|\([xX×]\)|☒|☑|■|⊠|✓|✔|✗|✘|@|®|©|&|M|Bd|BD|X|x|×)$/;
const EMPTY = /^(\[\s?[jJ1lI|cC0oO]?\s?[\]jJ1l|)]?|[cClL][jJ\]]|☐|□|❑|❒|\(\s?\)|\]|[oO0]|[cC]|J|U|LI)$/;
// A bare "X" run into a capitalised option ("XCardiology") is a checked box too.
const GLUED = /^(\[[xX]\]|☒|☑|■|⊠|\[\s?\]|☐|□|X(?=[A-Z][a-z]{3,}))(.+)$/;
/**
 * Sex boxes run into their letter by OCR: "XF" (checked F), "[IM" / "[OF" (empty), "BM" (a filled
 * box read as B); an M read small ("Om") too, not an f ("of" is a word).
 */
const SEX_GLUED = /^(\[?[xX]\]?|B|\[[IJOCl0]?|[oO0]|☒|☐)(M|F|Male|Female)$/;
const SEX_GLUED_SMALL_M = /^(\[?[xX]\]?|\[[IJOCl0]?|[oO0])(m)$/;
const SEX_FILLED_B = /^B$/;
/** Both sex boxes and letters run into one token: "[X]M[]F", "[MXF" (empty M, checked F). */
const SEX_BOX = String.raw`(\[?[xX×]\]?|\[\s?[\]jJIl1]?|[oO0]|☒|☐)`;
const SEX_PAIR = new RegExp(String.raw`^${SEX_BOX}(M|Male)${SEX_BOX}(F|Female)$`);
/**
 * Other box glyphs OCR runs into the option after them ("[JRoutine", "CISTAT",
 * "(Routine", "OUrgent", "XSTAT", "IX]Urgent"): split only when what follows is an
 * urgency option or a specialty named whole, so an ordinary word that happens to
 * start with "C" or "O" is never cut in two.
 */
const GLUED_EMPTY = /^(\[\s?[jJ1lI|cC0oO]?\]?|[cC][iIjJlL1|\]]|\(|[oO0]|LI)(.+)$/;
const GLUED_CHECKED = /^(\[?[xX×]\]?|[iIlL|][xX×][\]jJ1l|)]|\([xX×]\)?)(.+)$/;
/** An urgency option's word, with the punctuation OCR may leave after it. */
const URGENCY_OPTION = /^(routine|urgent|stat|asap|emergent)[,;:.]?$/i;

function gluedOption(text: string): [box: string, option: string] | null {
  for (const [re, box] of [[GLUED_CHECKED, '☒'], [GLUED_EMPTY, '☐']] as const) {
    const m = re.exec(text);
    if (!m) continue;
    const option = m[2]!;
    const sp = findSpecialty(option);
    if (URGENCY_OPTION.test(option) || (sp && sp.index === 0 && sp.value.length >= option.replace(/[,;:.]+$/, '').length)) return [box, option];
  }
  return null;
}

/** A box run into the option after it, as [whole, box, option]: "[X]Urgent", "XCardiology", "[IM", "Om". */
function gluedBox(text: string): RegExpExecArray | null {
  return GLUED.exec(text) ?? SEX_GLUED.exec(text) ?? SEX_GLUED_SMALL_M.exec(text);
}

export type BoxState = 'on' | 'off' | null;

export function boxState(token: string): BoxState {
  if (CHECKED.test(token)) return 'on';
  if (EMPTY.test(token)) return 'off';
  return null;
}

interface Item {
  state: 'on' | 'off';
  box: Word;
  words: Word[];
}

/** Splits a segment into box + option items; words before the first box are ignored. */
function itemsOf(input: readonly Word[]): Item[] {
  // "[ ]" split by whitespace into "[" and "]" is one empty box; what the second reading saw
  // in the places of both halves is its reading of the box.
  const words: Word[] = [];
  for (const w of input) {
    const prev = words[words.length - 1];
    if (prev && /^[[(]$/.test(prev.text) && /^[\])]$/.test(w.text)) {
      const box = wordPiece(prev, `${prev.text}${w.text}`, [prev.bbox[0], prev.bbox[1], w.bbox[2], w.bbox[3]]);
      words[words.length - 1] = prev.reread !== undefined && w.reread !== undefined ? { ...box, reread: `${prev.reread}${w.reread}` } : box;
    } else words.push(w);
  }
  const out: Item[] = [];
  let cur: Item | null = null;
  for (const input of words) {
    // "Genderx]M", "Sex:[X]F": the field's label run into its first box by OCR.
    const lab = /^(sex|gender)[:;]?(.+)$/i.exec(input.text);
    const raw = lab && SEX_GLUED.test(lab[2]!) ? wordPiece(input, lab[2]!) : input;
    const pair = SEX_PAIR.exec(raw.text);
    const states = pair ? [boxState(pair[1]!), boxState(pair[3]!)] : [];
    if (pair && states[0] && states[1]) {
      out.push({ state: states[0], box: wordPiece(raw, pair[1]!), words: [wordPiece(raw, pair[2]!)] });
      out.push((cur = { state: states[1], box: wordPiece(raw, pair[3]!), words: [wordPiece(raw, pair[4]!)] }));
      continue;
    }
    const glued = gluedBox(raw.text);
    const other = glued ? null : gluedOption(raw.text);
    const parts: Word[] = glued
      ? [wordPiece(raw, SEX_FILLED_B.test(glued[1]!) ? '■' : glued[1]!), wordPiece(raw, glued[2]!)]
      : other ? [wordPiece(raw, other[0]), wordPiece(raw, other[1])] : [raw];
    // The second reading of a box glued to its option ("[X]F" / "[X]F", "[IM" / "[JM") splits the same
    // way: each piece gets its part of it, so the box's mark is read twice like a box of its own.
    const again = glued && raw.reread !== undefined ? gluedBox(raw.reread) : null;
    if (glued && again && letters(again[2]!) === letters(glued[2]!)) {
      parts[0] = { ...parts[0]!, reread: again[1]! };
      parts[1] = { ...parts[1]!, reread: again[2]! };
    }
    for (const w of parts) {
      const st = boxState(w.text);
      // A box needs an option after it; a lone "X" inside an option's words is not a box.
      if (st && (!cur || cur.words.length > 0)) {
        cur = { state: st, box: w, words: [] };
        out.push(cur);
      } else if (st && cur && cur.words.length === 0 && (!/^[A-Za-z]{1,2}$/.test(w.text) || /^[oOcCJU]$/.test(w.text))) {
        // One box read as two glyphs ("[] [ ] M"): the one nearer the option is its box.
        cur.state = st;
        cur.box = w;
      } else if (cur) cur.words.push(w);
    }
  }
  return out.filter((i) => i.words.length > 0);
}

function optionText(words: readonly Word[]): string {
  return words.map((w) => w.text).join(' ').replace(/[,;:.]+$/, '').trim();
}

/** A mark as the second reading shows a box: an X (or a tick) in it. */
const MARK_IN_READING = /[xX×✓✔]/;

const letters = (t: string) => t.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

/** The second reading glued the box's X to the option's word ("XM" for "☒ M"). */
function markGluedToOption(item: Item): boolean {
  const w = item.words[0];
  return w?.reread !== undefined && /^[xX×✓✔]/.test(w.reread) && letters(w.reread.slice(1)) === letters(w.text) && letters(w.text).length > 0;
}

/**
 * Whether the second OCR reading of every box in the list (decode/reread.ts) shows
 * the same choice: a mark in the chosen box and none in the others, and the chosen
 * option's words read alike. The first reading
 * is the page's OCR or the image's checkbox detection (☒/☐), so agreement is two
 * different looks at the ink. Undefined when a box was not read twice on its own
 * (a box OCR glued to its option is a piece of a word).
 */
function marksVerdict(list: readonly Item[], chosen: Item): 'agree' | 'differ' | undefined {
  if (list.some((i) => i.box.reread === undefined)) return undefined;
  if (chosen.words.some((w) => w.reread === undefined)) return undefined;
  // The chosen option's own words read alike too, a mark glued to them aside.
  const read = letters(chosen.words.map((w) => w.reread).join(''));
  const option = letters(chosen.words.map((w) => w.text).join(''));
  if (read !== option && !(markGluedToOption(chosen) && read.slice(1) === option)) return 'differ';
  const agree = list.every((i) => (MARK_IN_READING.test(i.box.reread!) || markGluedToOption(i)) === (i === chosen));
  return agree ? 'agree' : 'differ';
}

/** The one checked option among specialty, urgency and sex checkbox lists on a page. */
export function readChecklists(page: PageInfo, offPage: boolean): Candidate[] {
  const spec: Array<Item & { value: string }> = [];
  const sex: Array<Item & { value: string }> = [];
  const urg: Array<Item & { value: string }> = [];
  for (const s of page.segments) {
    if (s.faxHeader) continue;
    for (const it of itemsOf(s.words)) {
      const text = optionText(it.words);
      const sp = findSpecialty(text);
      // The option is the specialty itself, not a sentence that mentions one.
      // A printed option in lower case is an OCR slip of its capital: keep the list's spelling.
      // Either the whole option, or the option followed by the next field's label on the same line.
      const rest = sp ? text.slice(sp.value.length).trim() : '';
      if (sp && sp.index === 0 && (rest.length <= 1 || /^[,;]?\s*\S+(\s+\S+){0,2}:/.test(rest) || /^[,;]?\s*\S+:/.test(rest))) spec.push({ ...it, value: capitalisedSpecialty(sp.value) });
      // Urgency and sex options are one word; what follows is the next field.
      const head = it.words[0]!.text.replace(/[,;:.]+$/, '');
      const u = normalizeUrgency(head);
      if (u && URGENCY_OPTION.test(head)) urg.push({ ...it, value: u });
      const sx = /^(m|f|male|female)$/i.test(head) ? normalizeSex(head) : null;
      if (sx) sex.push({ ...it, value: sx });
    }
  }
  const out: Candidate[] = [];
  const pick = (key: 'referral.specialty' | 'referral.urgency' | 'patient.sex', list: Array<Item & { value: string }>) => {
    if (list.length < 2) return;
    const on = list.filter((i) => i.state === 'on');
    if (on.length !== 1) return;
    const chosen = on[0]!;
    const words = [chosen.box, ...chosen.words];
    const marks = page.source === 'ocr' ? marksVerdict(list, chosen) : undefined;
    out.push({
      key, value: chosen.value, page: page.pageNumber, bbox: wordsBox(words), method: 'checklist', ocr: minConfidence(words),
      below: false, fuzzyLabel: false, repairs: 0, doubt: page.source === 'ocr' ? 0.05 : 0, offPage, ...(marks ? { marks } : {}),
    });
  };
  pick('referral.specialty', spec);
  pick('referral.urgency', urg);
  pick('patient.sex', sex);
  return out;
}

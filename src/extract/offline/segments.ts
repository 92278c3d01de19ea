/**
 * Turns layout lines into segments: runs of words on one line without a wide
 * horizontal gap. OCR often joins two form columns into one line; a gap wider than
 * about two line heights separates a label/value pair from its neighbour.
 * Fax transmission headers (the strip at the top of each page) are marked so they
 * are never read as referral content.
 */
import type { BBox, DocumentLayout, LayoutPage } from '../layout.ts';
import { levenshtein } from '../normalize/edit-distance.ts';

export interface Word {
  text: string;
  /** Lower case, punctuation trimmed, dots removed: for label matching. */
  norm: string;
  bbox: BBox;
  confidence: number;
  /** OCR pages: the second reading of this word (LayoutWord.reread); not carried to pieces of a split word. */
  reread?: string;
}

export interface Segment {
  id: number;
  page: number;
  /** Index of the source line on its page (reading order). */
  line: number;
  words: Word[];
  text: string;
  bbox: BBox;
  /** Top strip of a fax page (sender, time, page n/m). */
  faxHeader: boolean;
}

export interface PageInfo {
  pageNumber: number;
  width: number;
  height: number;
  source: LayoutPage['source'];
  segments: Segment[];
}

export function normWord(text: string): string {
  // Dotted leaders ("Name.........") are layout, not part of the word, also with a speck OCR
  // read as a letter among the dots ("FaX.....o...").
  return text.replace(/[._…]{3,}(?:[oO°·,'`][._…]{2,})*$/, '').toLowerCase().replace(/[’']/g, "'").replace(/^[^a-z0-9#/&]+|[^a-z0-9#]+$/g, '').replace(/\./g, '');
}

function box(words: readonly Word[]): BBox {
  let [x0, y0, x1, y1] = words[0]!.bbox;
  for (const w of words) {
    x0 = Math.min(x0, w.bbox[0]);
    y0 = Math.min(y0, w.bbox[1]);
    x1 = Math.max(x1, w.bbox[2]);
    y1 = Math.max(y1, w.bbox[3]);
  }
  return [x0, y0, x1, y1];
}

export function makeSegment(id: number, page: number, line: number, words: Word[], faxHeader = false): Segment {
  return { id, page, line, words, text: words.map((w) => w.text).join(' '), bbox: box(words), faxHeader };
}

/** Last words of labels whose value OCR may glue on without the colon. */
const GLUED_LABEL_WORDS = ['consultation', 'referral', 'reason', 'diagnosis', 'patient', 'physician', 'provider', 'specialty', 'insurance', 'address', 'urgency', 'priority', 'comments'];

const LEADER = /^[.·…_\-–—=]{3,}$/;

/**
 * A piece of a word (split off, or a box OCR glued to its option) with its own text:
 * the second OCR reading was of the whole word, so the piece carries none.
 */
export function wordPiece(w: Word, text: string, bbox: BBox = w.bbox): Word {
  const { reread: _, ...rest } = w;
  return { ...rest, text, bbox };
}

/** The word cut in two after its first `at` characters, each piece's box in proportion. */
function splitWord(w: Word, at: number, head: string, tail: string): [Word, Word] {
  const [x0, y0, x1, y1] = w.bbox;
  const cut = x0 + ((x1 - x0) * at) / w.text.length;
  return [
    { ...wordPiece(w, head, [x0, y0, cut, y1]), norm: normWord(head) },
    { ...wordPiece(w, tail, [cut, y0, x1, y1]), norm: normWord(tail) },
  ];
}

/** "DOB:03/14/1962" or "NPI#1234567890" read as one word: split after the label. */
function splitGlued(words: Word[]): void {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // "Lopez,NP" or "Austin,TX": a comma inside a word separates two words.
    const c = /^([A-Za-z][A-Za-z'.-]+,)([A-Za-z0-9].*)$/.exec(w.text);
    if (c) {
      words.splice(i, 1, ...splitWord(w, c[1]!.length, c[1]!, c[2]!));
      continue;
    }
    // "Code(s):M70.61" too: a label may end in "(s)".
    // "Number3930056": a label word run into a number without its colon. Only whole words:
    // "GRP84045" or "MRN756930" are ids with a prefix, not a label and a number.
    const n = /^(number|member|policy|account|phone|group|chart)(\d[\d-]{3,})$/i.exec(w.text);
    if (n) {
      words.splice(i, 1, ...splitWord(w, n[1]!.length, n[1]!, n[2]!));
      i++;
      continue;
    }
    // "SexM", "GenderFemale": a sex caption run into its value, the colon lost.
    const x = /^(sex|gender)([MF]|Male|Female)$/i.exec(w.text);
    if (x && /^[A-Z]/.test(x[2]!)) {
      words.splice(i, 1, ...splitWord(w, x[1]!.length, `${x[1]!}:`, x[2]!));
      i++;
      continue;
    }
    // "ConsultatiorChronic": OCR ran a label's last word, its colon lost, into the value.
    // Only a label word of five or more letters (one OCR edit at most) followed by a
    // capitalised word: "McDonald" or "LaToya" are names, not a label and a value.
    // Its colon may survive as a dot or comma ("Consultation.Chronic").
    const g = /^([A-Z]?[a-z]{4,})([.,;]?)([A-Z][a-z].*)$/.exec(w.text);
    if (g && GLUED_LABEL_WORDS.some((l) => levenshtein(g[1]!.toLowerCase(), l) <= (l.length >= 8 ? 1 : 0))) {
      words.splice(i, 1, ...splitWord(w, g[1]!.length + g[2]!.length, `${g[1]!}:`, g[3]!));
      i++;
      continue;
    }
    // "(ICD-10):D50.9", "(ICD-10):-D50.9": a bracketed label before its colon, a dash OCR made of speck after it.
    const b = /^(\([A-Za-z][A-Za-z0-9 -]{1,12}\):)([-–]?)([A-Za-z0-9][^:]*)$/.exec(w.text);
    if (b) {
      words.splice(i, 1, ...splitWord(w, b[1]!.length + b[2]!.length, b[1]!, b[3]!));
      i++;
      continue;
    }
    // "#:(737)300-9124": the end of a label ("Phone #:") run into its number.
    const h = /^(#:?)([(\d][\d()./ -]{6,})$/.exec(w.text);
    if (h) {
      words.splice(i, 1, ...splitWord(w, h[1]!.length, h[1]!, h[2]!));
      i++;
      continue;
    }
    const m = /^([A-Za-z][A-Za-z.#/ ]{1,24}(?:\(s\))?[:#])([^:]+)$/.exec(w.text);
    if (!m || /^https?/i.test(w.text) || /^\d/.test(m[1]!)) continue;
    words.splice(i, 1, ...splitWord(w, m[1]!.length, m[1]!, m[2]!));
    i++;
  }
}

const HEADER_HINT = /\b(page|pg|p\.)\s*\d+|\b\d+\s*(of|\/)\s*\d+\b|\bfax\b|\bfrom\b|\d{1,2}:\d{2}/i;

/** Median word height of a page (its body text size). */
function medianWordHeight(page: LayoutPage): number {
  const hs: number[] = [];
  for (const b of page.blocks) for (const l of b.lines) for (const w of l.words) if (w.text.trim()) hs.push(w.bbox[3] - w.bbox[1]);
  if (!hs.length) return 0;
  hs.sort((a, b) => a - b);
  return hs[hs.length >> 1]!;
}

/**
 * OCR debris: a table rule or a cell border read as a "word" a fraction of a text line
 * tall ("oo", "B", "i" one unit high). Never text; left in, it takes the place of the
 * value beside or under a label.
 */
export function isDebrisWord(w: { text: string; bbox: readonly number[]; confidence: number }, medianHeight: number): boolean {
  const h = w.bbox[3]! - w.bbox[1]!;
  // A dash is flat by nature ("Physical Therapy - Eval & Treat"): wider than tall (by half at
  // least, or at all when OCR was sure of it), it is a word.
  const width = w.bbox[2]! - w.bbox[0]!;
  if (/^[-–—]$/.test(w.text.trim()) && (width >= 1.5 * h || (width > h && w.confidence >= 0.8))) return false;
  return medianHeight > 0 && h < medianHeight * 0.3 && w.text.trim().length <= 4;
}

export function buildPages(layout: DocumentLayout): PageInfo[] {
  let nextId = 0;
  const pages: PageInfo[] = [];
  for (const page of layout.pages) {
    const segments: Segment[] = [];
    let lineNo = 0;
    const median = page.source === 'ocr' ? medianWordHeight(page) : 0;
    for (const block of page.blocks) {
      for (const line of block.lines) {
        const words: Word[] = line.words
          // Leader dots and blank-field rules ("......", "______") carry no value.
          .filter((w) => w.text.trim().length > 0 && !LEADER.test(w.text.trim()) && !isDebrisWord(w, median))
          .map((w): Word => ({ text: w.text.trim(), norm: normWord(w.text), bbox: w.bbox, confidence: w.confidence, ...(w.reread === undefined ? {} : { reread: w.reread }) }));
        if (words.length === 0) {
          lineNo++;
          continue;
        }
        words.sort((a, b) => a.bbox[0] - b.bbox[0]);
        splitGlued(words);
        const height = Math.max(4, line.bbox[3] - line.bbox[1]);
        const top = line.bbox[1];
        const faxHeader = top < page.height * 0.045 && HEADER_HINT.test(line.text);
        let run: Word[] = [];
        for (const w of words) {
          const prev = run[run.length - 1];
          if (prev && w.bbox[0] - prev.bbox[2] > Math.max(2.2 * height, 18)) {
            segments.push(makeSegment(nextId++, page.pageNumber, lineNo, run, faxHeader));
            run = [];
          }
          run.push(w);
        }
        if (run.length) segments.push(makeSegment(nextId++, page.pageNumber, lineNo, run, faxHeader));
        lineNo++;
      }
    }
    if (page.source === 'ocr') joinSplitLines(segments);
    pages.push({ pageNumber: page.pageNumber, width: page.width, height: page.height, source: page.source, segments });
  }
  return pages;
}

/**
 * One line OCR gave as two whose boxes touch or overlap ("REFERRAL" and, a unit lower, "TO"):
 * one segment again, so a caption is not read as two. The second piece runs on past the first's end.
 */
function joinSplitLines(segments: Segment[]): void {
  for (let i = 0; i < segments.length; i++) {
    const a = segments[i]!;
    if (a.faxHeader) continue;
    for (let j = 0; j < segments.length; j++) {
      const b = segments[j]!;
      if (i === j || b.faxHeader || b.bbox[0] < a.bbox[0]) continue;
      const h = Math.min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1]);
      const dy = Math.min(a.bbox[3], b.bbox[3]) - Math.max(a.bbox[1], b.bbox[1]);
      const gap = b.bbox[0] - a.bbox[2];
      if (dy < 0.5 * h || gap > 0.3 * h || b.bbox[2] <= a.bbox[2]) continue;
      segments[i] = makeSegment(a.id, a.page, a.line, [...a.words, ...b.words].sort((x, y) => x.bbox[0] - y.bbox[0]), false);
      segments.splice(j, 1);
      i = -1;
      break;
    }
  }
}

/** Lines as plain text per page (for classification and narrative patterns). */
export function pageText(page: PageInfo): string {
  return page.segments.filter((s) => !s.faxHeader).map((s) => s.text).join('\n');
}

/**
 * An OCR'd page's text as the second reading saw it (decode/reread.ts), line by line; the
 * first reading's word where a word was read once only. Empty for a text layer.
 */
export function rereadText(page: PageInfo): string {
  if (page.source !== 'ocr') return '';
  const lines = page.segments.filter((s) => !s.faxHeader && s.words.some((w) => w.reread !== undefined));
  return lines.map((s) => s.words.map((w) => w.reread ?? w.text).filter((t) => t.length > 0).join(' ')).join('\n');
}

export function lineHeight(s: Segment): number {
  return Math.max(4, s.bbox[3] - s.bbox[1]);
}

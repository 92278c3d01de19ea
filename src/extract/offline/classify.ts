/**
 * Document type from what the pages say: a referral, or something else (a lab
 * report, records request, refill request, marketing, a blank page). Fax cover
 * sheets are recognised and set aside first: their From/To are offices, and a
 * cover sheet alone is not a referral.
 */
import { pageText, rereadText, type PageInfo } from './segments.ts';

const COVER = [/\bfax\b/i, /\bcover\b/i, /\bto:/i, /\bfrom:/i, /\b(pages|no\.? of pages|# of pages|number of pages)\b/i, /\bconfidential/i, /\bre:/i, /\battn:?/i];

/** A page that is a fax cover sheet (several cover cues, no referral form structure). */
export function isCoverPage(page: PageInfo): boolean {
  const text = pageText(page);
  if (/\bfax\s*(cover|transmittal|transmission)\b|\bcover\s*sheet\b|\bfacsimile\b/i.test(text)) {
    return !/\b(date of birth|dob|d\.o\.b)\b[^\n]{0,5}[:\s]+\d/i.test(text) || COVER.filter((r) => r.test(text)).length >= 5;
  }
  const cues = COVER.filter((r) => r.test(text)).length;
  return cues >= 5 && !/\b(date of birth|dob)\b/i.test(text);
}

interface Signal {
  re: RegExp;
  w: number;
}

const REFERRAL: Signal[] = [
  { re: /\breason for (referral|referal|consult(ation)?)\b/i, w: 3 },
  { re: /\breferral (form|request|order|information|details|to)\b/i, w: 3 },
  { re: /\b(am|are) refe?[rc]r[i1l]ng\b|\bwould like to refer\b|\bto refer\b|\bI refer\b/i, w: 3 },
  { re: /\breferring (provider|physician|doctor|clinician|practice|md)\b/i, w: 2 },
  { re: /\breferred (to|by)\b/i, w: 2 },
  { re: /\b(consultation|consult) request/i, w: 2 },
  { re: /\breferral\b/i, w: 1 },
  { re: /\b(outgoing|new|specialty|outpatient|patient) referral\b|\breferral (summary|letter|note)\b/i, w: 2 },
  { re: /\breferring\s*:|\breferred\s*:/i, w: 2 },
  { re: /\b(reason|dx|diagnosis|specialty|urgency|priority)\s*:/i, w: 1 },
  { re: /\bfor\s+(eva[l1I|]uation|consu[l1I|]tation|assessment|management)\s+(of|and)\b/i, w: 2 },
  { re: /\bto your\s.{0,40}\b(clinic|office|practice|service|team)\b/i, w: 2 },
  { re: /\bplease (see|evaluate|schedule)\b/i, w: 1 },
  // "Please see Ms. Doe ... to you for chronic cough": sending a patient to the reader for something.
  { re: /\bto you(r (practice|clinic|office|service|team))? for\b/i, w: 2 },
  // "Please see Ms. Jane Doe, DOB ..., for iron deficiency anemia."
  { re: /\b[Pp]lease see (?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)?[A-Z][A-Za-z'-]+\b[\s\S]{0,100}?\bfor\b/, w: 2 },
  { re: /\b(specialty|service) requested\b/i, w: 2 },
];

const OTHER: Record<string, Signal[]> = {
  lab: [
    { re: /\breference (range|interval)\b/i, w: 3 },
    { re: /\b(lab|laboratory) (report|results?)\b/i, w: 3 },
    { re: /\bspecimen\b/i, w: 2 },
    { re: /\b(collected|received|reported)\s*:/i, w: 1 },
    { re: /\b(abnormal|flag|units)\b/i, w: 1 },
    { re: /\b(hemoglobin|glucose|creatinine|tsh|a1c|cholesterol|wbc|platelets)\b/i, w: 1 },
  ],
  records: [
    { re: /\b(records? request|request for (medical )?records|medical records request)\b/i, w: 4 },
    { re: /\b(release of (medical )?information|authorization (to|for) (release|disclose))\b/i, w: 3 },
    { re: /\bplease (send|forward|provide) (copies|the|all|records)/i, w: 2 },
    { re: /\bcopies of\b/i, w: 1 },
  ],
  refill: [
    { re: /\brefill\b/i, w: 3 },
    { re: /\b(prescription|rx) (renewal|request|refill)\b|\brenewal request\b/i, w: 3 },
    { re: /\bpharmacy\b/i, w: 1 },
    { re: /\b(sig|qty|quantity|refills|days supply|dispense)\b/i, w: 1 },
  ],
  marketing: [
    { re: /\b(special offer|limited time|call (now|today)|act now|free (trial|consultation|seminar)|discount|\bsave \d+%)/i, w: 3 },
    { re: /\b(unsubscribe|opt[- ]out|remove (your|this) (number|fax)|to be removed)\b/i, w: 3 },
    { re: /\b(webinar|seminar|promotion|announcing|introducing|grow your)\b/i, w: 2 },
    { re: /\$\d/, w: 1 },
  ],
};

export interface Classification {
  documentType: 'referral' | 'other';
  confidence: number;
  /** Pages that carry content (not cover sheets, not blank). */
  contentPages: PageInfo[];
  coverPages: number[];
  kind: string;
}

/**
 * What a page says, for weighing its type: on an OCR'd page both readings, so a cue one
 * reading garbled ("Lam writing to eter ...") still counts when the other read it.
 */
function typeText(page: PageInfo): string {
  const again = rereadText(page);
  return again ? `${pageText(page)}\n${again}` : pageText(page);
}

function score(text: string, signals: Signal[]): number {
  let s = 0;
  for (const { re, w } of signals) if (re.test(text)) s += w;
  return s;
}

/**
 * The referral page itself leads the content pages: a fax packet may put an insurance
 * card or an office note before the form or letter, and fields are read first (and
 * trusted most) from the first content page. Moved only when another page is clearly
 * more of a referral than the first. Returns whether it moved one.
 */
export function referralPageFirst(contentPages: PageInfo[]): boolean {
  if (contentPages.length < 2) return false;
  const scores = contentPages.map((p) => score(typeText(p), REFERRAL));
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  if (best === 0 || scores[best]! < 3 || scores[best]! < scores[0]! + 2) return false;
  const [page] = contentPages.splice(best, 1);
  contentPages.unshift(page!);
  return true;
}

/** Referral and other-kind scores: the leading page's signals in full, the rest's in part. */
function weigh(firstText: string, allText: string): { ref: number; other: number; otherKind: string } {
  const ref = score(firstText, REFERRAL) + 0.5 * score(allText, REFERRAL);
  let otherKind = 'other';
  let other = 0;
  for (const [kind, sigs] of Object.entries(OTHER)) {
    const s = score(firstText, sigs) + 0.25 * score(allText, sigs);
    if (s > other) {
      other = s;
      otherKind = kind;
    }
  }
  return { ref, other, otherKind };
}

export function classify(pages: PageInfo[]): Classification {
  const coverPages: number[] = [];
  const contentPages: PageInfo[] = [];
  for (const p of pages) {
    const words = p.segments.filter((s) => !s.faxHeader).reduce((n, s) => n + s.words.length, 0);
    if (words < 4) continue;
    if (isCoverPage(p)) coverPages.push(p.pageNumber);
    else contentPages.push(p);
  }
  if (contentPages.length === 0) return { documentType: 'other', confidence: 0.95, contentPages, coverPages, kind: coverPages.length ? 'cover' : 'blank' };
  const allText = contentPages.map(typeText).join('\n');
  let { ref, other, otherKind } = weigh(typeText(contentPages[0]!), allText);
  if (ref >= 2 && ref - other > -1 && referralPageFirst(contentPages)) {
    // An office note or a card came first: the document is weighed with its referral page leading.
    ({ ref, other, otherKind } = weigh(typeText(contentPages[0]!), allText));
  }
  const margin = ref - other;
  if (ref >= 2 && margin >= 1.5) {
    return { documentType: 'referral', confidence: Math.min(0.995, 0.8 + 0.04 * margin), contentPages, coverPages, kind: 'referral' };
  }
  if (ref >= 2 && margin > -1) return { documentType: 'referral', confidence: 0.6, contentPages, coverPages, kind: 'referral' };
  return { documentType: 'other', confidence: Math.min(0.99, 0.7 + 0.05 * Math.max(0, -margin)), contentPages, coverPages, kind: otherKind };
}

/**
 * Synthetic referral generator: seeded, emits DocumentLayouts directly with truth
 * labels in the normal forms of shared/spec/referral-fields.md. Used to widen
 * what the offline extractor has seen, to fit its confidence calibration and to
 * test it; the dev corpus stays a held-out check.
 */
import type { FieldKey, FieldValue } from '../../fields.ts';
import type { DocumentLayout, LayoutPage } from '../../layout.ts';
import { PageBuilder, makeLayout, type Noise } from './builder.ts';
import { coverSheet, ehr, faxHeader, formRight, letter, patientStamp, progressNote, stacked, table, twoColumn } from './families.ts';
import { otherPage, type OtherKind } from './others.ts';
import { makeFacts } from './referral.ts';
import { Rng } from './rng.ts';

export type Family = 'form' | 'two-column' | 'stacked' | 'table' | 'letter' | 'ehr';
export type Quality = 'digital' | 'scan' | 'fax' | 'photo';

export interface SynthDoc {
  id: string;
  layout: DocumentLayout;
  documentType: 'referral' | 'other';
  fields: Partial<Record<FieldKey, FieldValue>>;
  family: Family | OtherKind;
  quality: Quality;
}

const NOISE: Record<Quality, Noise> = {
  digital: { wordError: 0, clean: [1, 1] },
  scan: { wordError: 0.01, clean: [0.9, 0.97], degrade: { split: 0.01, glue: 0.03, marks: 2, tilt: 0.2, jitter: 0.4, boxesRead: 0.7 } },
  fax: { wordError: 0.025, clean: [0.82, 0.96], degrade: { split: 0.02, glue: 0.05, marks: 3, tilt: 0.3, jitter: 0.5, boxesRead: 0.6 } },
  photo: { wordError: 0.045, clean: [0.72, 0.95], degrade: { split: 0.02, glue: 0.06, marks: 4, tilt: 0.6, jitter: 0.8, boxesRead: 0.4 } },
};

const FAMILIES: Family[] = ['form', 'two-column', 'stacked', 'table', 'letter', 'ehr'];
const QUALITIES: Quality[] = ['digital', 'digital', 'scan', 'fax', 'fax', 'photo'];

export function generateDoc(seed: number, today: Date, opts: { family?: Family; quality?: Quality; other?: OtherKind | null } = {}): SynthDoc {
  const rng = new Rng(seed);
  const quality = opts.quality ?? rng.pick(QUALITIES);
  const noise = NOISE[quality];
  const source = quality === 'digital' ? 'text' : 'ocr';
  const format = quality === 'digital' ? 'pdf' : quality === 'fax' ? 'tiff' : quality === 'photo' ? 'jpeg' : 'pdf';
  const otherKind = opts.other !== undefined ? opts.other : rng.chance(0.2) ? rng.pick(['lab', 'records', 'refill', 'marketing', 'blank', 'cover'] as const) : null;
  const withHeader = quality === 'fax' || rng.chance(0.3);
  if (otherKind) {
    const pages: LayoutPage[] = [];
    const p = new PageBuilder(1, rng, noise);
    if (otherKind === 'cover') coverSheet(p, null, rng, 1);
    else otherPage(otherKind, p, rng);
    if (withHeader && otherKind !== 'blank') faxHeader(p, 'Sender Office', 1, 1, rng);
    pages.push(p.build(source));
    return { id: `s${seed}`, layout: makeLayout(pages, format), documentType: 'other', fields: {}, family: otherKind, quality };
  }
  const facts = makeFacts(rng, today);
  const family = opts.family ?? rng.pick(FAMILIES);
  const withCover = rng.chance(0.3);
  const withNote = rng.chance(0.25);
  const total = 1 + (withCover ? 1 : 0) + (withNote ? 1 : 0);
  const pages: LayoutPage[] = [];
  let n = 1;
  if (withCover) {
    const p = new PageBuilder(n, rng, noise);
    coverSheet(p, facts, rng, total);
    if (withHeader) faxHeader(p, facts.practice, n, total, rng);
    pages.push(p.build(source));
    n++;
  }
  // Fax packets sometimes put the office note ahead of the referral page itself.
  const noteFirst = withNote && rng.chance(0.35);
  if (noteFirst) {
    const p = new PageBuilder(n, rng, noise);
    progressNote(p, facts, rng);
    if (withHeader) faxHeader(p, facts.practice, n, total, rng);
    pages.push(p.build(source));
    n++;
  }
  const main = new PageBuilder(n, rng, noise);
  if (family === 'form') formRight(main, facts, rng);
  else if (family === 'two-column') twoColumn(main, facts, rng);
  else if (family === 'stacked') stacked(main, facts, rng);
  else if (family === 'table') table(main, facts, rng);
  else if (family === 'letter') letter(main, facts, rng);
  else ehr(main, facts, rng);
  if (rng.chance(0.35)) patientStamp(main, facts, rng, n, total);
  if (withHeader) faxHeader(main, facts.practice, n, total, rng);
  const mainPage = main.build(source);
  pages.push(mainPage);
  n++;
  if (withNote && !noteFirst) {
    const p = new PageBuilder(n, rng, noise);
    progressNote(p, facts, rng);
    if (withHeader) faxHeader(p, facts.practice, n, total, rng);
    pages.push(p.build(source));
  }
  // Truth follows what the referral page says (before noise: truth is the clean value).
  const fields = { ...facts.truth };
  // A letter states sex only as "female"/"male" in a sentence: X is not written, so not in the truth.
  if (family === 'letter' && fields['patient.sex'] === 'X') delete fields['patient.sex'];
  if (family === 'letter') {
    fields['referringProvider.practice'] = facts.practice;
    // The letter's own words decide whether it names the specialty.
    if (facts.namedSpecialty) fields['referral.specialty'] = facts.specialty;
    else delete fields['referral.specialty'];
  } else if (facts.shownPractice) {
    fields['referringProvider.practice'] = facts.practice;
  }
  return { id: `s${seed}`, layout: makeLayout(pages, format), documentType: 'referral', fields, family, quality };
}

/** A reproducible set of `count` documents. */
export function generateCorpus(count: number, seed: number, today: Date): SynthDoc[] {
  const out: SynthDoc[] = [];
  for (let i = 0; i < count; i++) out.push(generateDoc(seed * 100_003 + i, today));
  return out;
}

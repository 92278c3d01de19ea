/**
 * Fragile readings stay below the review gate unless the document corroborates
 * them: OCR'd patient names and dates of birth, OCR'd checkbox rows, option
 * lists whose marks are not in the text layer, specialty checklists, confident
 * digit slips; and corroboration (a patient stamp, codes whose description
 * matches the reason) legitimately lifts them. Also the dx column sweep and the
 * generator's new variations.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentLayout, LayoutPage } from '../layout.ts';
import { codeFromToken } from './dx-sweep.ts';
import { codesMatchReason, pageFacts } from './fragility.ts';
import { buildPages } from './segments.ts';
import { extractOffline } from './index.ts';
import { NO_NOISE, PageBuilder, makeLayout, piecesPage, readTwice, type Piece } from './synth/builder.ts';
import { generateCorpus, generateDoc } from './synth/generate.ts';
import { Rng } from './synth/rng.ts';

const today = new Date('2025-11-15T00:00:00Z');
/** A page as OCR would report it: every word at `conf`. */
function page(pieces: Piece[], source: LayoutPage['source'], conf = 0.96): LayoutPage {
  return piecesPage(1, pieces, { source, ocrConfidence: conf });
}

function run(pieces: Piece[], source: LayoutPage['source'] = 'text'): ReturnType<typeof extractOffline> {
  const layout: DocumentLayout = makeLayout([page(pieces, source)], source === 'ocr' ? 'tiff' : 'pdf');
  return extractOffline(layout, { reviewThreshold: 0.95, today });
}

const BASE: Piece[] = [
  [50, 40, 'REFERRAL FORM', 13],
  [60, 80, 'Patient Name: Doe, Jane A.'],
  [60, 95, 'DOB: 03/14/1962'],
  [60, 110, 'Referring Provider: Dr. Sarah Montoya, MD'],
  [60, 125, 'NPI: 1234567893'],
  [60, 140, 'Reason for Referral: Essential hypertension, poorly controlled'],
  [60, 155, 'Diagnosis: I10'],
];

describe('fragile readings are capped below the gate', () => {
  it('an OCR-read patient name and DOB found once go to review; the same text layer does not', () => {
    const digital = run(BASE);
    expect(digital.fields['patient.dob']!.confidence).toBeGreaterThanOrEqual(0.95);
    const ocr = run(BASE, 'ocr');
    expect(ocr.fields['patient.dob']?.value).toBe('1962-03-14');
    expect(ocr.fields['patient.dob']!.confidence).toBeLessThan(0.95);
    expect(ocr.fields['patient.lastName']!.confidence).toBeLessThan(0.95);
    expect(ocr.needsReview).toBe(true);
  });

  it('an OCR-read name one look-alike slip from a known name stays held though both readings agree ("Wel" / "Wei")', () => {
    const scan = (name: string) => {
      const layout = makeLayout([page([...BASE.filter((p) => !p[2].startsWith('Patient Name')), [60, 80, `Patient Name: Okafor, ${name}`], [60, 170, 'Patient: Okafor, ' + name]], 'ocr')], 'tiff');
      for (const b of layout.pages[0]!.blocks) for (const l of b.lines) for (const w of l.words) w.reread = w.text;
      return extractOffline(layout, { reviewThreshold: 0.95, today }).fields['patient.firstName']!;
    };
    expect(scan('Wel')).toMatchObject({ value: 'Wel' });
    expect(scan('Wel').confidence).toBeLessThan(0.95);
    expect(scan('Wei').confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('an OCR-read phone OCR was unsure of stays held though the second reading agrees; a sure one passes', () => {
    const scan = (phoneConf: number) => {
      const layout = makeLayout([page([...BASE, [60, 170, 'Patient Phone: 555-201-3344']], 'ocr')], 'tiff');
      for (const b of layout.pages[0]!.blocks) for (const l of b.lines) for (const w of l.words) {
        w.reread = w.text;
        if (w.text === '555-201-3344') w.confidence = phoneConf;
      }
      return extractOffline(layout, { reviewThreshold: 0.95, today }).fields['patient.phone']!;
    };
    expect(scan(0.65).value).toBe('5552013344');
    expect(scan(0.65).confidence).toBeLessThan(0.95);
    expect(scan(0.96).confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('an OCR-read name and DOB that a second reading saw alike pass the gate; one that differs stays held', () => {
    const layout = makeLayout([page(BASE, 'ocr')], 'tiff');
    const words = layout.pages[0]!.blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
    for (const w of words) w.reread = w.text;
    const agreed = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(agreed.fields['patient.dob']?.value).toBe('1962-03-14');
    expect(agreed.fields['patient.dob']!.confidence).toBeGreaterThanOrEqual(0.95);
    expect(agreed.fields['patient.lastName']!.confidence).toBeGreaterThanOrEqual(0.95);
    // The second reading saw 1982: a slip one of the two readings made; a person looks.
    words.find((w) => w.text === '03/14/1962')!.reread = '03/14/1982';
    const differ = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(differ.fields['patient.dob']?.value).toBe('1962-03-14');
    expect(differ.fields['patient.dob']!.confidence).toBeLessThan(0.95);
    expect(differ.needsReview).toBe(true);
  });

  it('a labelled field whose writing OCR garbled holds the document; a blank labelled field does not', () => {
    const read = (extra: Piece[], base: Piece[] = BASE) => {
      const layout = makeLayout([page([...base, ...extra], 'ocr')], 'tiff');
      readTwice(layout.pages);
      return extractOffline(layout, { reviewThreshold: 0.95, today });
    };
    const blank = read([[60, 170, 'Member ID:']]);
    expect(blank.notes?.['lostValues']).toBe(0);
    const garbled = read([[60, 170, 'Member ID: 1QY2A25/K59']]);
    expect(garbled.fields['insurance.memberId']).toBeUndefined();
    expect(garbled.notes?.['lostValues']).toBe(1);
    expect(garbled.needsReview).toBe(true);
    expect(blank.needsReview).toBe(false);
    // A code-shaped token under the diagnosis label that reads as no code (Z96.641 as "796.641").
    const noCode = BASE.filter((p) => !p[2].startsWith('Diagnosis'));
    const readDx = (line: string) => read([[60, 155, line]], noCode);
    const dx = readDx('Diagnosis Code: 796.641');
    expect(dx.fields['referral.diagnosisCodes']).toBeUndefined();
    expect(dx.notes?.['lostValues']).toBe(1);
    expect(dx.needsReview).toBe(true);
    // ... and one whose letter OCR read as a bracket (G43.909 as "(43.909").
    expect(readDx('ICD-10 Codes: (43.909').notes?.['lostValues']).toBe(1);
    // ... and one with a digit read as "@" (M06.9 as "M@6.9").
    expect(readDx('Diagnosis.....,.... M@6.9').notes?.['lostValues']).toBe(1);
    // ... and one whose digits OCR read as look-alike letters (R00.2 as "RGO.2").
    const lettered = readDx('Diagnosis (ICD-10): RGO.2');
    expect(lettered.fields['referral.diagnosisCodes']).toBeUndefined();
    expect(lettered.notes?.['lostValues']).toBe(1);
    expect(lettered.needsReview).toBe(true);
    // A word with a dot and no digit is no code ("Hx.AB").
    expect(readDx('Diagnosis: see attached Hx.AB').notes?.['lostValues']).toBe(0);
  });

  it('a patient stamp in the footer corroborates the OCR-read name and DOB', () => {
    const stamped = run([...BASE, [40, 760, 'Pt: DOE, JANE A   DOB: 03/14/1962   Page 1 of 1', 8]], 'ocr');
    expect(stamped.fields['patient.dob']?.value).toBe('1962-03-14');
    expect(stamped.fields['patient.dob']!.confidence).toBeGreaterThan(run(BASE, 'ocr').fields['patient.dob']!.confidence);
    expect(stamped.fields['patient.firstName']?.value).toBe('Jane');
  });

  it('a capitals-only stamp confirms a name but does not set its spelling', () => {
    const p1 = page([[50, 40, 'REFERRAL FORM', 13], [60, 95, 'Referring Provider: Dr. Sarah Montoya, MD'], [60, 110, 'Reason for Referral: Chronic knee pain'],
      [40, 760, 'Pt: DOE, JANE   DOB: 03/14/1962   Page 1 of 2', 8]], 'text');
    const p2b = new PageBuilder(2, new Rng(1), NO_NOISE);
    p2b.text(40, 40, 'Progress Note', 13);
    p2b.text(40, 64, 'Patient: Jane Doe    DOB: 03/14/1962', 10);
    const x = extractOffline(makeLayout([p1, p2b.build('text')], 'pdf'), { reviewThreshold: 0.95, today });
    expect(x.fields['patient.firstName']?.value).toBe('Jane');
    expect(x.fields['patient.lastName']?.value).toBe('Doe');
  });

  it('a stamp that disagrees does not corroborate (a slip 1949 → 1919 is not confirmed)', () => {
    const x = run([...BASE, [40, 760, 'Pt: DOE, JANE A   DOB: 03/14/1992   Page 1 of 1', 8]], 'ocr');
    expect(x.fields['patient.dob']!.confidence).toBeLessThan(0.95);
    expect(x.needsReview).toBe(true);
  });

  it('an urgency read from an OCR checkbox row is never ≥ 0.95', () => {
    const x = run([...BASE, [60, 170, 'Priority: [X] Routine [ ] Urgent [ ] STAT']], 'ocr');
    expect(x.fields['referral.urgency']?.value).toBe('routine');
    expect(x.fields['referral.urgency']!.confidence).toBeLessThan(0.95);
  });

  it('counts urgency options OCR glued to their boxes ("[JRoutine", "Ourgent"), not the tail of a longer word', () => {
    const facts = (pieces: Piece[]) => pageFacts(buildPages(makeLayout([page(pieces, 'ocr')], 'tiff'))[0]!);
    expect(facts([[60, 170, 'Priority:'], [60, 185, '[JRoutine'], [60, 200, 'Ourgent'], [60, 215, 'STAT']]).urgencyOptions).toBe(3);
    expect(facts([[60, 170, 'Priority: nonurgent follow-up, status post repair, STAT labs']]).urgencyOptions).toBe(1);
    // "urgent care" in a sentence offers no option beside "Urgency: Routine".
    expect(facts([[60, 150, 'Urgency: Routine'], [60, 170, 'She fell two days ago and was splinted in urgent care.']]).urgencyOptions).toBe(1);
  });

  it('a scanned priority row whose boxes both readings show empty is no unread choice; one read once is', () => {
    const row = (rereadOf: (t: string) => string | undefined) => {
      const layout = makeLayout([page([...BASE, [60, 170, 'Priority: ☐ Routine ☐ Urgent ☐ STAT']], 'ocr')], 'tiff');
      for (const b of layout.pages[0]!.blocks) for (const l of b.lines) for (const w of l.words) {
        const r = rereadOf(w.text);
        if (r === undefined) delete w.reread;
        else w.reread = r;
      }
      return extractOffline(layout, { reviewThreshold: 0.95, today });
    };
    const empty = row((t) => (t === '☐' ? '[]' : t));
    expect(empty.fields['referral.urgency']).toBeUndefined();
    expect(empty.notes?.['unreadChoices']).toBe(0);
    expect(row((t) => (t === '☐' ? undefined : t)).notes?.['unreadChoices']).toBe(1);
    expect(row((t) => (t === '☐' ? '[]' : t === 'Urgent' ? 'XUrgent' : t)).notes?.['unreadChoices']).toBe(1);
  });

  it('a priority row whose boxes both readings show as "[J" is an unread choice (a lost X reads so too)', () => {
    const layout = makeLayout([page([...BASE, [60, 170, 'Priority: [J Routine [J Urgent [J STAT']], 'ocr')], 'tiff');
    for (const b of layout.pages[0]!.blocks) for (const l of b.lines) for (const w of l.words) w.reread = w.text;
    const x = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(x.notes?.['unreadChoices']).toBe(1);
    expect(x.needsReview).toBe(true);
  });

  it('an option list with no mark in the text layer (boxes drawn as graphics) is not trusted', () => {
    const x = run([...BASE, [60, 170, 'Priority:'], [60, 185, 'Routine'], [60, 200, 'Urgent'], [60, 215, 'STAT']]);
    const u = x.fields['referral.urgency'];
    if (u) expect(u.confidence).toBeLessThan(0.8);
    expect(x.needsReview || !u).toBe(true);
  });

  it('a text-layer mark next to an option keeps its confidence', () => {
    const x = run([...BASE, [60, 170, 'Priority: [X] Urgent [ ] Routine [ ] STAT']]);
    expect(x.fields['referral.urgency']?.value).toBe('urgent');
    expect(x.fields['referral.urgency']!.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('a specialty picked from a checklist of specialties stays below the gate', () => {
    const x = run([...BASE, [60, 170, 'Specialty:'], [60, 185, '[ ] Orthopedics'], [60, 200, '[X] Dermatology'], [60, 215, '[ ] Cardiology'], [60, 230, '[ ] Neurology']], 'ocr');
    const s = x.fields['referral.specialty'];
    if (s) expect(s.confidence).toBeLessThan(0.95);
  });

  it('an OCR-read member id with a doubtful word is capped', () => {
    const layout = makeLayout([page([...BASE, [60, 170, 'Member ID: 246617149']], 'ocr')], 'tiff');
    for (const b of layout.pages[0]!.blocks) for (const l of b.lines) for (const w of l.words) if (w.text === '246617149') w.confidence = 0.81;
    const x = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(x.fields['insurance.memberId']?.value).toBe('246617149');
    expect(x.fields['insurance.memberId']!.confidence).toBeLessThan(0.95);
  });

  it('an OCR-read member id or date read twice alike, unmended, with OCR at least half sure is not held for OCR doubt; a phone is', () => {
    const scan = (conf: number, lines: Piece[], target: string) => {
      const layout = makeLayout([page([...BASE, ...lines], 'ocr')], 'tiff');
      for (const b of layout.pages[0]!.blocks) for (const l of b.lines) for (const w of l.words) {
        w.reread = w.text;
        if (w.text === target) w.confidence = conf;
      }
      return extractOffline(layout, { reviewThreshold: 0.95, today });
    };
    const member = (conf: number) => scan(conf, [[60, 170, 'Insurance: Aetna'], [60, 185, 'Member ID: W246617149']], 'W246617149').fields['insurance.memberId']!;
    expect(member(0.65)).toMatchObject({ value: 'W246617149' });
    expect(member(0.65).confidence).toBeGreaterThan(0.9);
    // Under half sure, a person looks.
    expect(member(0.4).confidence).toBeLessThanOrEqual(0.9);
    // Mended ("l" read for a digit): the slip may be anywhere, a person looks.
    const mended = scan(0.65, [[60, 170, 'Insurance: Aetna'], [60, 185, 'Member ID: W2466l7149']], 'W2466l7149').fields['insurance.memberId'];
    expect(mended).toMatchObject({ value: 'W246617149' });
    expect(mended!.confidence).toBeLessThanOrEqual(0.9);
    const referralDate = (conf: number) => scan(conf, [[60, 170, 'Referral Date: 10/02/2025']], '10/02/2025').fields['referral.date']!;
    expect(referralDate(0.6)).toMatchObject({ value: '2025-10-02' });
    expect(referralDate(0.6).confidence).toBeGreaterThan(0.9);
    expect(referralDate(0.3).confidence).toBeLessThanOrEqual(0.9);
    const phone = scan(0.65, [[60, 170, 'Patient Phone: 555-201-3344']], '555-201-3344').fields['patient.phone']!;
    expect(phone.confidence).toBeLessThanOrEqual(0.9);
  });

  it('a payer that is only a label and a number is not read ("Insurance 10")', () => {
    const x = run([...BASE, [60, 170, 'Insurance: Insurance 10']]);
    expect(x.fields['insurance.payer']).toBeUndefined();
  });
});

describe('corroboration between codes and reason', () => {
  it('matches a listed code description against the reason', () => {
    expect(codesMatchReason(['I10'], 'Essential hypertension, poorly controlled')).toBe(true);
    expect(codesMatchReason(['I10'], 'Knee pain')).toBe(false);
    expect(codesMatchReason(['Q99.99'], 'hypertension')).toBe(false);
  });
});

describe('diagnosis column sweep', () => {
  it('reads OCR forms of codes: 110 → I10, 149.3 → I49.3 (listed category), not plain numbers', () => {
    expect(codeFromToken('110')).toBe('I10');
    expect(codeFromToken('149.3')).toBe('I49.3');
    expect(codeFromToken('M25.511"')).toBe('M25.511');
    expect(codeFromToken('R07.9,')).toBe('R07.9');
    expect(codeFromToken('12345')).toBeNull();
    expect(codeFromToken('ZZZ')).toBeNull();
  });

  it('collects secondary codes under the first, with descriptions between them', () => {
    const x = run([
      ...BASE.slice(0, 5),
      [60, 170, 'Diagnosis Code(s)'],
      [60, 185, 'R07.9'], [120, 185, 'Chest pain, unspecified'],
      [60, 200, '110'], [120, 200, 'Essential (primary) hypertension'],
      [60, 215, 'E78.5'], [120, 215, 'Hyperlipidemia, unspecified'],
      [60, 245, 'Clinical Notes'],
      [60, 260, '250 mg daily'],
    ]);
    expect(x.fields['referral.diagnosisCodes']?.value).toEqual(['R07.9', 'I10', 'E78.5']);
  });
});

describe('generator variations', () => {
  const docs = generateCorpus(300, 31, today);
  const text = (d: (typeof docs)[number]) => d.layout.pages.flatMap((p) => p.blocks.flatMap((b) => b.lines.map((l) => l.text))).join('\n');

  it('prints patient stamps ("Pt: ... DOB: ... Page n of m") on some referrals', () => {
    expect(docs.filter((d) => d.documentType === 'referral' && /DOB: .* Page \d+ of \d+/.test(text(d))).length).toBeGreaterThan(30);
  });

  it('writes some diagnosis lists as a column (description under each code), and the extractor reads them whole', () => {
    let column = 0;
    for (let seed = 1; seed < 600; seed++) {
      const d = generateDoc(seed, today, { family: 'form', quality: 'digital', other: null });
      const codes = d.fields['referral.diagnosisCodes'];
      if (!Array.isArray(codes) || codes.length < 2) continue;
      const lines = d.layout.pages.flatMap((p) => p.blocks.flatMap((b) => b.lines.map((l) => l.text.trim())));
      if (!codes.slice(1).some((c) => lines.includes(c))) continue;
      column++;
      const got = extractOffline(d.layout, { reviewThreshold: 0.95, today }).fields['referral.diagnosisCodes']?.value;
      expect([...((got as string[] | undefined) ?? [])].sort()).toEqual([...codes].sort());
    }
    expect(column).toBeGreaterThan(0);
  });

  it('makes some OCR misreads as confident as clean words, including digit-for-digit slips', () => {
    const p = new PageBuilder(1, new Rng(5), { wordError: 1, clean: [0.9, 0.96] });
    for (let i = 0; i < 200; i++) p.text(40, 40 + i, '4939317650');
    const words = p.build('ocr').blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
    const confidentDigitSlips = words.filter((w) => w.confidence >= 0.9 && /^\d{10}$/.test(w.text) && w.text !== '4939317650');
    expect(confidentDigitSlips.length).toBeGreaterThan(0);
  });
});

describe('values from a line the page reading missed', () => {
  it('holds a value read from a recovered line (read once, alone), not the same value read with the page', () => {
    const pieces: Piece[] = [
      [50, 40, 'Lakeside Family Clinic', 14],
      [50, 62, 'REFERRAL FORM', 13],
      [60, 108, 'Patient Name: Quill, Harriet'], [60, 123, 'DOB: 02/11/1958'],
      [60, 168, 'Referring Physician: Tomas Virel, MD'],
      [60, 218, 'Reason for Referral: Recurrent kidney stones'],
      [60, 240, 'Diagnosis: N20.0'],
    ];
    const layout = (recovered: boolean) => {
      const l = makeLayout([page(pieces, 'ocr')], 'tiff');
      readTwice(l.pages);
      for (const w of l.pages[0]!.blocks.flatMap((b) => b.lines.flatMap((x) => x.words))) {
        if (recovered && w.text === 'N20.0') {
          w.recovered = true;
          delete w.reread;
        }
      }
      return extractOffline(l, { reviewThreshold: 0.95, today });
    };
    const read = layout(false).fields['referral.diagnosisCodes']!;
    const recovered = layout(true).fields['referral.diagnosisCodes']!;
    expect(recovered.value).toEqual(['N20.0']);
    expect(recovered.confidence).toBeLessThanOrEqual(0.9);
    expect(read.confidence).toBeGreaterThan(0.9);
  });
});

describe('free text OCR was unsure of', () => {
  const pieces = (specialty: string, payer: string, reason: string): Piece[] => [
    [50, 40, 'Lakeside Family Clinic', 14],
    [50, 62, 'REFERRAL FORM', 13],
    [60, 108, 'Patient Name: Quill, Harriet'], [60, 123, 'DOB: 02/11/1958'],
    [60, 138, `Insurance: ${payer}`],
    [60, 168, 'Referring Physician: Tomas Virel, MD'],
    [60, 198, `Specialty: ${specialty}`],
    [60, 218, `Reason for Referral: ${reason}`],
  ];
  /** OCR'd at 0.96, the words in `unsure` at 0.45; read twice alike except the words in `differ`. */
  function read(p: Piece[], unsure: string[], differ: string[] = []) {
    const l = makeLayout([page(p, 'ocr')], 'tiff');
    readTwice(l.pages, (t) => (differ.includes(t) ? `${t}x` : t));
    for (const w of l.pages[0]!.blocks.flatMap((b) => b.lines.flatMap((x) => x.words))) if (unsure.includes(w.text)) w.confidence = 0.45;
    return extractOffline(l, { reviewThreshold: 0.95, today }).fields;
  }

  it('holds a specialty or payer off its list that OCR was unsure of, not a listed one read as unsurely', () => {
    const off = read(pieces('Newology', 'Unitedtcaltheare', 'Chronic migraine'), ['Newology', 'Unitedtcaltheare']);
    expect(off['referral.specialty']!.value).toBe('Newology');
    expect(off['referral.specialty']!.confidence).toBeLessThan(0.95);
    expect(off['insurance.payer']!.confidence).toBeLessThan(0.95);
    const listed = read(pieces('Neurology', 'Aetna', 'Chronic migraine'), ['Neurology', 'Aetna']);
    expect(listed['referral.specialty']!.value).toBe('Neurology');
    expect(listed['referral.specialty']!.confidence).toBeGreaterThan(0.9);
    expect(listed['insurance.payer']!.confidence).toBeGreaterThan(0.9);
  });

  it('holds a reason whose unsure word the second reading saw otherwise', () => {
    const reason = 'Palpitations and abnormal ECG';
    const garbled = read(pieces('Cardiology', 'Aetna', reason), ['Palpitations'], ['Palpitations']);
    expect(garbled['referral.reason']!.confidence).toBeLessThanOrEqual(0.9);
    const agreed = read(pieces('Cardiology', 'Aetna', reason), ['Palpitations']);
    expect(agreed['referral.reason']!.confidence).toBeGreaterThan(0.9);
  });
});

describe('a specialty row of two boxed options', () => {
  it('holds a specialty read from a row of boxes whose checked option OCR could not name', () => {
    const pieces: Piece[] = [
      [50, 40, 'Lakeside Family Clinic', 14],
      [60, 108, 'Patient Name: Quill, Harriet'], [60, 123, 'DOB: 02/11/1958'],
      [60, 168, 'Referring Physician: Tomas Virel, MD'],
      // The first box read "[ 1]", the checked one's option cut at the page edge.
      [60, 198, 'Department......... [ 1] Endocrinology, [ ] Physical Therapy, ☒ Otolaryr'],
      [60, 218, 'Reason for Referral: Chronic sinusitis'],
    ];
    const l = makeLayout([page(pieces, 'ocr')], 'tiff');
    readTwice(l.pages);
    const got = extractOffline(l, { reviewThreshold: 0.95, today });
    // Read (wrongly) from the text beside the boxes, it must not pass the gate.
    expect(got.fields['referral.specialty']!.value).toBe('Endocrinology');
    expect(got.fields['referral.specialty']!.confidence).toBeLessThan(0.95);
    expect(got.needsReview).toBe(true);
  });
});

describe('identifiers whose letters end in a digit look-alike', () => {
  const pieces = (mrn: string): Piece[] => [
    [50, 40, 'Lakeside Family Clinic', 14],
    [60, 108, 'Patient Name: Quill, Harriet'], [60, 123, 'DOB: 02/11/1958'], [60, 138, `MRN: ${mrn}`],
    [60, 168, 'Referring Physician: Tomas Virel, MD'],
    [60, 218, 'Reason for Referral: Recurrent kidney stones'],
  ];
  const mrn = (value: string, ocr = true) => {
    const l = makeLayout([page(pieces(value), ocr ? 'ocr' : 'text')], ocr ? 'tiff' : 'pdf');
    if (ocr) readTwice(l.pages);
    return extractOffline(l, { reviewThreshold: 0.95, today }).fields['patient.mrn']!;
  };

  it('holds an OCR\'d "AB570472" (A8570472?) read twice alike, not "A8570472", "AK570472" or a text layer\'s', () => {
    expect(mrn('AB570472').value).toBe('AB570472');
    expect(mrn('AB570472').confidence).toBeLessThanOrEqual(0.9);
    expect(mrn('A8570472').confidence).toBeGreaterThanOrEqual(0.95);
    expect(mrn('AK570472').confidence).toBeGreaterThanOrEqual(0.95);
    expect(mrn('AB570472', false).confidence).toBeGreaterThanOrEqual(0.95);
  });
});

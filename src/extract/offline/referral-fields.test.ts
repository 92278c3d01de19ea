/**
 * Referring-provider and referral fields on layouts built in code: the referral page
 * found behind supporting pages, option rows whose marks did not come through,
 * specialties written outside the list, the reason in a referring sentence, weak
 * reason labels, a bare phone in a letterhead, OCR slips in diagnosis codes, signature
 * debris, OCR letter pairs in labels. All names and numbers are invented.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentLayout } from '../layout.ts';
import { repairCategoryLetter } from '../normalize/icd10.ts';
import { specialtyLike } from '../normalize/specialty.ts';
import { extractOffline, offlineCandidates, offlineChosen } from './index.ts';
import { ocrPairVariants } from './labels.ts';
import { NO_NOISE, PageBuilder, makeLayout, piecesPage, type Piece } from './synth/builder.ts';
import { generateDoc } from './synth/generate.ts';
import { Rng } from './synth/rng.ts';
import { normWord, type Word } from './segments.ts';
import { readValue } from './values.ts';

const today = new Date('2025-11-15T00:00:00Z');
function doc(...pages: Piece[][]): DocumentLayout {
  return makeLayout(pages.map((p, i) => piecesPage(i + 1, p)), 'pdf');
}

function fields(layout: DocumentLayout) {
  return extractOffline(layout, { reviewThreshold: 0.95, today }).fields;
}

/** The pieces as a scanned page, every word read by OCR at 0.95. */
function scan(pieces: Piece[]): DocumentLayout {
  return makeLayout([piecesPage(1, pieces, { source: 'ocr', ocrConfidence: 0.95 })], 'tiff');
}

function values(layout: DocumentLayout): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields(layout)).map(([k, f]) => [k, f!.value]));
}

/** A short form with everything but the piece under test. */
function form(extra: Piece[]): Piece[] {
  return [
    [50, 40, 'Lakeside Family Clinic', 14],
    [50, 62, 'REFERRAL FORM', 13],
    [50, 90, 'PATIENT INFORMATION', 11],
    [60, 108, 'Patient Name: Quill, Harriet'],
    [60, 123, 'DOB: 02/11/1958'],
    [50, 150, 'REFERRING PROVIDER', 11],
    [60, 168, 'Referring Physician: Tomas Virel, MD'],
    [50, 200, 'REFERRAL INFORMATION', 11],
    [60, 218, 'Reason for Referral: Recurrent kidney stones'],
    ...extra,
  ];
}

describe('the referral page behind supporting pages', () => {
  it('reads the letter on page 2 as the referral page when an insurance card comes first', () => {
    const card: Piece[] = [
      [50, 40, 'Insurance card on file (front / back)'],
      [150, 80, 'Plainsway Health Plan', 12],
      [150, 120, 'Member ID'],
      [150, 132, 'PWH55501234'],
    ];
    const letter: Piece[] = [
      [50, 40, 'Marlow Creek Physicians', 14],
      [50, 100, 'March 3, 2025'],
      [50, 130, 'Dear Colleague,'],
      [50, 154, 'I am referring Mr. Otto Brandvik (DOB 4/2/1961) to your practice for chronic hip pain,'],
      [50, 168, 'imaging attached.'],
      [50, 200, 'Sincerely,'],
      [50, 240, 'Ilse Granger, MD'],
    ];
    const got = fields(doc(card, letter));
    expect(got['referral.reason']?.value).toBe('chronic hip pain, imaging attached');
    expect(got['referral.reason']?.page).toBe(2);
    expect(got['referral.date']?.value).toBe('2025-03-03');
    expect(got['referringProvider.name']?.value).toBe('Ilse Granger');
  });

  it('is as sure of the type with an office note before the letter as with the letter alone', () => {
    const note: Piece[] = [
      [50, 40, 'Clinic Note', 14],
      [50, 70, 'Patient: Brandvik, Otto DOB: 04/02/1961'],
      [50, 100, 'Subjective: Follow-up. Symptoms as described in the referral.'],
      [50, 115, 'Assessment: Chronic hip pain.'],
      [50, 130, 'Plan: Continue current medications. Return in 3 months.'],
    ];
    const letter: Piece[] = [
      [50, 40, 'Marlow Creek Physicians', 14],
      [50, 130, 'Dear Colleague,'],
      [50, 154, 'I am referring Mr. Otto Brandvik (DOB 4/2/1961) to you for chronic hip pain.'],
      [50, 200, 'Sincerely,'],
      [50, 240, 'Ilse Granger, MD'],
    ];
    const alone = extractOffline(doc(letter), { reviewThreshold: 0.95, today });
    const behind = extractOffline(doc(note, letter), { reviewThreshold: 0.95, today });
    expect(behind.documentType).toBe('referral');
    expect(behind.confidence).toBeGreaterThanOrEqual(alone.confidence);
    expect(behind.confidence).toBeGreaterThanOrEqual(0.95);
  });
});

describe('letters without the word "refer"', () => {
  it('are referrals when they send a named patient to the reader for something', () => {
    const letter = doc([
      [50, 40, 'Marlow Creek Physicians', 14],
      [50, 100, 'To whom it may concern,'],
      [50, 124, 'Please see Ms. Petra Lindqvist, DOB 07/21/1970, for iron deficiency anemia.'],
      [50, 200, 'Best regards,'],
      [50, 240, 'Anders Holm, DO'],
    ]);
    const got = extractOffline(letter, { reviewThreshold: 0.95, today });
    expect(got.documentType).toBe('referral');
    expect(got.fields['referral.reason']?.value).toBe('iron deficiency anemia');
  });

  it('but a lab report that asks the reader to see the attached results is not', () => {
    const lab = doc([
      [50, 40, 'Northgate Laboratory Services', 14],
      [50, 70, 'LABORATORY REPORT'],
      [50, 100, 'Specimen: serum   Collected: 11/02/2025'],
      [50, 124, 'Hemoglobin 10.1 g/dL  Reference range 12.0-15.5  Flag: L'],
      [50, 148, 'Please see attached results for the full panel.'],
    ]);
    expect(extractOffline(lab, { reviewThreshold: 0.95, today }).documentType).toBe('other');
  });
});

describe('option rows', () => {
  it('takes nothing from a priority row whose boxes left no mark in the text', () => {
    expect(values(doc(form([[60, 236, 'Priority:\tRoutine\tUrgent\tSTAT']])))['referral.urgency']).toBeUndefined();
  });

  it('takes nothing from a specialty grid under its label without marks', () => {
    const v = values(doc(form([[60, 236, 'Referral To:'], [70, 250, 'Cardiology\tDermatology\tNeurology'], [70, 264, 'Urology\tPodiatry']])));
    expect(v['referral.specialty']).toBeUndefined();
    expect(v['referral.reason']).toBe('Recurrent kidney stones');
  });

  it('takes nothing from an option list on the label line continued in further cells', () => {
    expect(values(doc(form([[60, 236, 'Specialty: Urology\tNephrology, Cardiology']])))['referral.specialty']).toBeUndefined();
  });

  it('reads the checked option across cells, and the one option left unboxed when every other box is empty', () => {
    expect(values(doc(form([[60, 236, 'Priority:\t[ ] Routine\t[X] Urgent\t[ ] STAT']])))['referral.urgency']).toBe('urgent');
    expect(values(doc(form([[60, 236, 'Priority:\tRoutine\tJ Urgent\t[1 STAT']])))['referral.urgency']).toBe('routine');
    expect(values(doc(form([[60, 236, 'Priority:\tRoutine\tUrgent\t[1 STAT']])))['referral.urgency']).toBeUndefined();
  });

  it('reads "Non urgent" as routine, not urgent', () => {
    expect(values(doc(form([[60, 236, 'Priority: Non urgent']])))['referral.urgency']).toBe('routine');
  });
});

describe('the referring practice', () => {
  it('is read from a "Referring Practice" label even inside the patient section', () => {
    const pieces = form([]).flatMap((p): Piece[] => (p[2].startsWith('DOB') ? [p, [60, 138, 'Referring Practice: Quarry Hill Family Health']] : [p]));
    expect(values(doc(pieces))['referringProvider.practice']).toBe('Quarry Hill Family Health');
  });
});

describe('a label OCR glued to its value', () => {
  it('splits the label\'s last word, colon lost and one letter misread, from the value', () => {
    const pieces = form([]).map((p): Piece => (p[2].startsWith('Reason for') ? [p[0], p[1], 'Reason for ConsultatiorChronic migraine, frequent episodes'] : p));
    expect(values(doc(pieces))['referral.reason']).toBe('Chronic migraine, frequent episodes');
  });
  it('leaves names written in camel case alone', () => {
    const pieces = form([]).map((p): Piece => (p[2].startsWith('Referring Physician') ? [p[0], p[1], 'Referring Physician: Tomas McDonald, MD'] : p));
    expect(values(doc(pieces))['referringProvider.name']).toBe('Tomas McDonald');
  });
});

describe('specialty as written', () => {
  it('keeps a "Referred To" service that is not on the list but is written like one', () => {
    expect(values(doc(form([[60, 236, 'Referred To: Orthopaedic Spine Surgery']])))['referral.specialty']).toBe('Orthopaedic Spine Surgery');
  });

  it('reads OCR\'s lower-case l in a capitals acronym as I ("Gl" → "GI"), not in a word', () => {
    expect(values(doc(form([[60, 236, 'Specialty: Gl']])))['referral.specialty']).toBe('GI');
    expect(values(doc(form([[60, 236, 'Specialty: Podiatry']])))['referral.specialty']).toBe('Podiatry');
  });

  it('gives an OCR\'d lower-case specialty its printed capital, and keeps a text layer\'s as written', () => {
    const scanned = makeLayout([piecesPage(1, form([[60, 236, 'Specialty: orthopedics']]), { source: 'ocr', ocrConfidence: 0.96 })], 'tiff');
    expect(values(scanned)['referral.specialty']).toBe('Orthopedics');
    expect(values(doc(form([[60, 236, 'Specialty: orthopedics']])))['referral.specialty']).toBe('orthopedics');
  });

  it('mends one OCR slip in a listed specialty\'s long word on a scan ("Kephrology"), not in a text layer or a short word', () => {
    const ocr = (t: string) => values(makeLayout([piecesPage(1, form([[60, 236, t]]), { source: 'ocr', ocrConfidence: 0.96 })], 'tiff'))['referral.specialty'];
    expect(ocr('Specialty: Kephrology')).toBe('Nephrology');
    expect(ocr('Specialty: Gastioenterology')).toBe('Gastroenterology');
    expect(values(doc(form([[60, 236, 'Specialty: Kephrology']])))['referral.specialty']).toBe('Kephrology');
    expect(ocr('Specialty: Urolagy')).toBe('Urolagy');
  });

  it('capitalises an OCR\'d first letter read small before capitalised words ("orthopaedic Spine")', () => {
    const ocr = (t: string) => values(makeLayout([piecesPage(1, form([[60, 236, t]]), { source: 'ocr', ocrConfidence: 0.96 })], 'tiff'))['referral.specialty'];
    expect(ocr('Consult: vascular Surgery Clinic')).toBe('Vascular Surgery Clinic');
    expect(values(doc(form([[60, 236, 'Consult: vascular Surgery Clinic']])))['referral.specialty']).toBe('vascular Surgery Clinic');
  });

  it('does not take an organisation or a person as the specialty', () => {
    expect(values(doc(form([[60, 236, 'Referred To: Granite Valley Bone Associates']])))['referral.specialty']).toBeUndefined();
    expect(specialtyLike('Dr. Olsen, MD')).toBe(false);
    expect(specialtyLike('Mohs/Dermatologic Surgery')).toBe(true);
    expect(specialtyLike('Heart & Vascular')).toBe(true);
    expect(specialtyLike('Riverside Medical Center')).toBe(false);
  });

  it('takes the service beside the person it is addressed to, and never a person, an organisation or an instruction', () => {
    const spec = (line: string) => values(doc(form([[60, 236, line]])))['referral.specialty'];
    expect(spec('Referred to: Dr. Hana Lee, Cardiology')).toBe('Cardiology');
    expect(spec('Referred To: Nephrology (Dr. Amar Lee)')).toBe('Nephrology');
    expect(spec('Specialty: Dr. Amar Lee')).toBeUndefined();
    expect(spec('Referred To: Granite Valley Orthopedics Associates')).toBeUndefined();
    expect(spec('Specialty: Please evaluate and treat')).toBeUndefined();
  });

  it('prefers the value under the label to a doubtful word beside it in a row of captions', () => {
    const v = values(doc(form([[60, 240, 'Specialty', 8], [330, 240, 'Pronty', 8], [60, 252, 'Heart & Vascular'], [330, 252, 'Routine']])));
    expect(v['referral.specialty']).toBe('Heart & Vascular');
  });

  it('reads the service a letter greets', () => {
    const v = values(doc([
      [50, 40, 'Marlow Creek Physicians', 14],
      [50, 100, 'Dear Rheumatology team,'],
      [50, 124, 'I am referring Ms. Petra Lindqvist, DOB 07.21.1970, for symmetric joint swelling.'],
    ]));
    expect(v['referral.specialty']).toBe('Rheumatology');
    expect(v['referral.reason']).toBe('symmetric joint swelling');
    // OCR's "pear" for "Dear".
    const p = values(doc([
      [50, 40, 'Marlow Creek Physicians', 14],
      [50, 100, 'pear Sleep Medicine team,'],
      [50, 124, 'I am referring Ms. Petra Lindqvist, DOB 07.21.1970, for loud snoring.'],
    ]));
    expect(p['referral.specialty']).toBe('Sleep Medicine');
  });
});

describe('reason for referral', () => {
  it('prefers the labelled reason to a chief complaint or comment', () => {
    const v = values(doc(form([[60, 236, 'Chief Complaint: Flank pain for two days'], [60, 250, 'Comments: Please call to schedule.']]).map(
      (p): Piece => (p[2].startsWith('Reason for Referral') ? [p[0], 270, p[2]] : p),
    )));
    expect(v['referral.reason']).toBe('Recurrent kidney stones');
  });

  it('reads a reason set as its own text run that starts inside the label box', () => {
    const p = new PageBuilder(1, new Rng(1), NO_NOISE);
    for (const [x, y, t] of form([]).filter((x) => !x[2].startsWith('Reason'))) p.text(x, y, t);
    p.text(60, 218, 'Reason for Referral:');
    p.text(150, 218, 'Gout flares despite allopurinol'); // the label box, estimated, ends at about 160
    p.endBlock();
    expect(values(makeLayout([p.build('text')], 'pdf'))['referral.reason']).toBe('Gout flares despite allopurinol');
  });
});

describe('precision guards', () => {
  it('ends a narrative reason where the next sentence starts though OCR lost the full stop', () => {
    const v = values(doc([
      [50, 40, 'Marlow Creek Physicians', 14],
      [50, 124, 'I am referring Mr. Otto Brandvik, DOB 4/2/1961, for low back pain, core strengthening'],
      [50, 138, 'He is a 63-year-old man.'],
    ]));
    expect(v['referral.reason']).toBe('low back pain, core strengthening');
  });

  it('does not read "ent" split off a word as the ENT specialty', () => {
    const v = values(doc(form([[60, 236, 'Notes: Please call the pati ent to schedule the referral.']])));
    expect(v['referral.specialty']).toBeUndefined();
  });

  it('does not take a labelled date beside its label as the date of the letter', () => {
    const v = values(doc([
      [50, 40, 'Marlow Creek Physicians', 14],
      [330, 100, 'Birth Date:'],
      [440, 100, '12.03.2013'],
      [50, 124, 'I am referring Mr. Otto Brandvik for low back pain.'],
    ]));
    expect(v['referral.date']).toBeUndefined();
    // Nor a date over its caption on a paper form.
    const caption = values(doc([[50, 40, 'Marlow Creek Physicians', 14], [225, 100, '09/15/2019'], [225, 113, 'DOB', 7], [50, 140, 'I am referring Mr. Otto Brandvik for low back pain.']]));
    expect(caption['referral.date']).toBeUndefined();
  });
});

describe('referring office phone', () => {
  it('reads a bare phone in the letterhead, with the fax after it', () => {
    const v = values(doc(form([]).map((p): Piece => (p[2] === 'REFERRAL FORM' ? [50, 75, p[2], 13] : p)).concat([[50, 58, '(512) 555-0190 (Office Fax: (512) 555-0191)', 8]])));
    expect(v['referringProvider.phone']).toBe('5125550190');
    expect(v['referringProvider.fax']).toBe('5125550191');
  });

  it('reads "Phone N Fax N" on one line without colons', () => {
    const v = values(doc(form([[60, 182, 'Phone 303-555-0142 Fax 303-555-0143']])));
    expect(v['referringProvider.phone']).toBe('3035550142');
    expect(v['referringProvider.fax']).toBe('3035550143');
  });
});

describe('diagnosis codes', () => {
  it('repairs a category letter OCR read as a digit or symbol only when the list confirms it', () => {
    expect(repairCategoryLetter('$83.241A')).toEqual({ code: 'S83.241A', doubt: 0.12 });
    expect(repairCategoryLetter('173.9')?.code).toBe('I73.9');
    // ICD-9 codes have the same shape: an unlisted guess is not a reading.
    expect(repairCategoryLetter('401.9')).toBeNull();
    expect(repairCategoryLetter('M54.50')).toBeNull();
    // A J read as a bracket or a bar: "]32.9", "|32.9".
    expect(repairCategoryLetter(']32.9')?.code).toBe('J32.9');
    expect(repairCategoryLetter('|32.9')?.code).toBe('J32.9');
    expect(values(scan(form([[60, 236, 'Diagnosis: ]32.9']])))['referral.diagnosisCodes']).toEqual(['J32.9']);
  });

  it('reads a phone number run into the end of its label ("Phone #:(737)300-9124")', () => {
    const v = values(scan(form([[60, 182, 'NPI #: 1234567893 Phone #:(737)300-9124']])));
    expect(v['referringProvider.phone']).toBe('7373009124');
  });

  it('reads split, dotless and misread codes under a diagnosis label, and a listed code in brackets in prose', () => {
    expect(values(doc(form([[60, 236, 'Diagnosis: (M54. 50). F411']])))['referral.diagnosisCodes']).toEqual(['M54.50', 'F41.1']);
    expect(values(doc(form([[60, 236, 'ICD-10: $83.241A']])))['referral.diagnosisCodes']).toEqual(['S83.241A']);
    expect(values(doc(form([[60, 236, 'ICD-10: 401.9']])))['referral.diagnosisCodes']).toBeUndefined();
    // A category letter OCR read as a look-alike: the description beside the code picks the listed one it fits.
    expect(values(doc(form([[60, 236, 'ICD-10 Codes: 120.9 - Atopic dermatitis']])))['referral.diagnosisCodes']).toEqual(['L20.9']);
    expect(values(doc(form([[60, 236, 'ICD-10 Codes: 120.9 - Angina pectoris']])))['referral.diagnosisCodes']).toEqual(['I20.9']);
    expect(values(scan(form([[60, 236, 'ICD-10 Codes: I20.9 - Atopic dermatitis']])))['referral.diagnosisCodes']).toEqual(['L20.9']);
    expect(values(doc(form([[60, 236, 'ICD-10 Codes: I20.9 - Atopic dermatitis']])))['referral.diagnosisCodes']).toEqual(['I20.9']);
    // A dot OCR read as a comma inside the code; a comma between two codes still parts them.
    expect(values(doc(form([[60, 236, 'ICD-10 Codes: M54,50']])))['referral.diagnosisCodes']).toEqual(['M54.50']);
    expect(values(doc(form([[60, 236, 'ICD-10 Codes: M54.50, F41.1']])))['referral.diagnosisCodes']).toEqual(['M54.50', 'F41.1']);
    const letter = values(doc([
      [50, 40, 'Marlow Creek Physicians', 14],
      [50, 124, 'I am referring Mr. Otto Brandvik (DOB 4/2/1961) to your practice for knee locking.'],
      [50, 138, 'Working diagnoses: tear of medial meniscus (S83.241A); essential hypertension (I10).'],
    ]));
    expect(letter['referral.diagnosisCodes']).toEqual(['S83.241A', 'I10']);
  });
});

describe('signatures and OCR slips in labels', () => {
  it('reads a signature behind stray OCR marks, and a closing with the name on its line', () => {
    const base: Piece[] = [[50, 40, 'Marlow Creek Physicians', 14], [50, 124, 'I am referring Ms. Petra Lindqvist, DOB 07/21/1970, for hand numbness.']];
    expect(values(doc([...base, [50, 200, '‘Sincerely,'], [50, 240, '"Anders K. Holm, DO']]))['referringProvider.name']).toBe('Anders Holm');
    expect(values(doc([...base, [50, 200, 'Regards, Dr. Mina Okonkwo']]))['referringProvider.name']).toBe('Mina Okonkwo');
    // A thank-you sentence naming the reader is not a signature.
    expect(values(doc([...base, [50, 200, 'Thank you for seeing her, Dr. Sven Aldous.']]))['referringProvider.name']).toBeUndefined();
  });

  it('matches labels whose letter pairs OCR merged ("Refernng")', () => {
    expect(ocrPairVariants('referring')).toContain('refernng');
    expect(ocrPairVariants('physician')).toContain('physidan');
    expect(ocrPairVariants('written')).toContain('viritten');
    expect(ocrPairVariants('patient')).toEqual([]);
    const v = values(doc(form([]).map((p): Piece => (p[2].startsWith('Referring Physician') ? [60, 168, 'Refernng Physician: Tomas Virel, MD'] : p))));
    expect(v['referringProvider.name']).toBe('Tomas Virel');
  });
});

describe('generator', () => {
  it('writes letters that name the specialty or not, with truth to match, and packets with the note first', () => {
    let named = 0;
    let unnamed = 0;
    let noteFirst = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const d = generateDoc(seed, today, { other: null, quality: 'digital' });
      const text = d.layout.pages.map((p) => p.blocks.flatMap((b) => b.lines.map((l) => l.text)).join('\n'));
      const main = text.findIndex((t) => /referr/i.test(t) && !/Clinic Note|Progress Note|Office Visit Note/.test(t));
      if (text.some((t, i) => i < main && /Progress Note|Office Visit Note|Clinic Note/.test(t))) noteFirst++;
      if (d.family !== 'letter') continue;
      const spec = d.fields['referral.specialty'] as string | undefined;
      if (spec) {
        named++;
        expect(text.join('\n')).toContain(spec);
      } else unnamed++;
    }
    expect(named).toBeGreaterThan(5);
    expect(unnamed).toBeGreaterThan(5);
    expect(noteFirst).toBeGreaterThan(3);
  });
});

describe('a plan named in the next label', () => {
  it('reads "Insurance Company: Medicare ID: ..." as the payer Medicare and its member ID', () => {
    const got = values(doc(form([[60, 236, 'Insurance Company: Medicare ID: 1EG4TE5MK73']])));
    expect(got['insurance.payer']).toBe('Medicare');
    expect(got['insurance.memberId']).toBe('1EG4TE5MK73');
    // A payer written before the label stays the payer; "Medicare ID" opening its own line is only the ID's label.
    expect(values(doc(form([[60, 236, 'Insurance Company: Humana Medicare ID: 1EG4TE5MK73']])))['insurance.payer']).toBe('Humana');
    const own = values(doc(form([[60, 236, 'Medicare ID: 1EG4TE5MK73']])));
    expect(own['insurance.memberId']).toBe('1EG4TE5MK73');
    expect(own['insurance.payer']).toBeUndefined();
  });
});

describe('captions under values', () => {
  const captioned = (extra: Piece[]): Piece[] => [
    [50, 40, 'REFERRAL FORM', 13],
    [50, 70, 'Quill, Harriet', 9], [230, 70, '02/11/1958', 9],
    [50, 82, 'Patient Name', 6], [230, 82, 'Date of Birth', 6],
    [50, 110, 'Tomas Virel, MD', 9], [50, 122, 'Referred By', 6],
    ...extra,
  ];

  it('takes no value above from a line opening with another label, but a two-letter word may open one', () => {
    const dept = values(scan([
      [50, 50, 'PATIENT REFERRAL', 12], [46, 120, 'Name: Nelson, Barbara P', 8], [46, 134, 'Birth Date: 09/02/72', 8],
      [326, 120, 'Referring Physician: Jessica Scott, MD', 8], [321, 202, 'REFERRAL INFORMATION', 8],
      [326, 218, 'Department Psychiatry', 8], [326, 232, 'Clinical Indication', 8],
      [326, 245, 'Generalized anxiety disorder, medication management', 8], [327, 259, 'Diagnosis Code(s) F41.1', 8],
    ]));
    expect(dept['referral.reason']).toBe('Generalized anxiety disorder, medication management');
    const pt = values(doc(captioned([[50, 150, 'PT Eval and Treat', 9], [50, 162, 'Specialty Requested', 6], [50, 180, 'Low back pain, strengthening program', 9], [50, 192, 'Clinical Indication', 6]])));
    expect(pt['referral.specialty']).toBe('PT Eval and Treat');
  });
});

describe('practice labels without a colon', () => {
  it('reads "Facility Heritage Internal Medicine" as the practice', () => {
    expect(values(doc(form([[60, 236, 'Facility Heritage Internal Medicine']])))['referringProvider.practice']).toBe('Heritage Internal Medicine');
  });

  it('a heading row with a stray box glyph still heads the cells under it', () => {
    const got = values(scan([
      [50, 40, 'REFERRAL FORM', 13],
      [50, 60, 'PATIENT INFORMATION', 11],
      [50, 76, 'Patient Name: Quill, Harriet'], [50, 90, 'DOB: 02/11/1958'],
      [50, 110, 'Insurance', 11],
      [50, 126, 'INSURANCE PLAN', 6], [230, 126, 'POLICY NUMBER', 6],
      [50, 138, 'Ambetter', 9], [230, 138, 'ABC93790794', 9],
      [50, 166, 'Referring Physician', 11], [140, 168, '☒', 8],
      [50, 184, 'PHYSICIAN', 6], [230, 184, 'ORGANIZATION', 6],
      [50, 196, 'George Tanaka', 9], [230, 196, 'Lakeshore Pediatrics', 9],
      [50, 230, 'Reason for Referral: Chronic GERD not responding to PPI'],
    ]));
    expect(got['referringProvider.practice']).toBe('Lakeshore Pediatrics');
  });
});

describe('labels that only a provider has', () => {
  it('reads a bare "Phone #" after an NPI, in a printout with no section headings, as the office phone', () => {
    const v = values(doc([
      [50, 40, 'Referral Summary', 13],
      [50, 60, 'Pt: Quill, Harriet DOB: 02/11/1958'],
      [50, 74, 'Patient Phone: 303-555-0142'],
      [50, 88, 'Referring Provider: Virel, Tomas MD'],
      [50, 102, 'NPI #: 1234567893 Phone #: 512-555-0187'],
      [50, 116, 'Reason for Referral: Recurrent kidney stones'],
    ]));
    expect(v['referringProvider.phone']).toBe('5125550187');
    expect(v['patient.phone']).toBe('3035550142');
  });
});

describe('rival readings that are not rivals', () => {
  const letter = (extra: Piece[]): Piece[] => [
    [72, 40, 'Lakeside Family Clinic', 14],
    [72, 90, 'Re: Referral to Physical Therapy - Eval & Treat'],
    [72, 104, 'Patient: Harriet Quill DOB: 02/11/1958'],
    [72, 130, 'Dear Colleague,'],
    [72, 150, 'I am referring Ms. Harriet Quill (DOB 2/11/1958) to your practice for right knee pain with instability.'],
    ...extra,
    [72, 230, 'Sincerely,'],
    [72, 246, 'Tomas Virel, MD'],
  ];

  it('a shorter reading of the same words ("Physical Therapy" inside the Re: line) does not conflict', () => {
    const { chosen } = offlineChosen(doc(letter([])), today);
    expect(chosen['referral.specialty']?.candidate.value).toBe('Physical Therapy - Eval & Treat');
    expect(chosen['referral.specialty']?.conflict).toBe(false);
  });
});

describe('a choice the form offers but we could not read', () => {
  const run = (rows: Piece[]) => extractOffline(doc(form(rows)), { reviewThreshold: 0.95, today });

  it('holds the document when a specialty list shows no readable mark', () => {
    const x = run([[60, 240, 'Specialty Requested:'], [60, 254, 'Cardiology'], [200, 254, 'Dermatology'], [340, 254, 'Neurology']]);
    expect(x.fields['referral.specialty']).toBeUndefined();
    expect(x.notes?.['unreadChoices']).toBe(1);
    expect(x.needsReview).toBe(true);
    expect(x.gate?.lowFields).toBeNull();
  });

  it('holds the document when the checked option of a boxed row reads as no specialty ("[X] Urolo", cut at the edge)', () => {
    const x = run([[60, 240, 'Referred To: [ ] Cardiology, ☐ Dermatology, [ ] Orthopedics, [X] Urolo']]);
    expect(x.fields['referral.specialty']).toBeUndefined();
    expect(x.notes?.['unreadChoices']).toBe(1);
    expect(x.needsReview).toBe(true);
  });

  it('holds the document when only two boxed options were read, both empty (the checked one lost)', () => {
    const x = run([[60, 240, 'Referred To ...... [ ] Gastroenterology'], [260, 240, '[ ] Physical Therapy,']]);
    expect(x.fields['referral.specialty']).toBeUndefined();
    expect(x.notes?.['unreadChoices']).toBe(1);
    expect(x.needsReview).toBe(true);
  });

  it('holds the document when the options run on in one line of names and no mark came through ("Pediatrics, Urology")', () => {
    const x = run([[60, 240, 'Consult: Cardiology'], [200, 240, 'Pediatrics, Urology']]);
    expect(x.fields['referral.specialty']).toBeUndefined();
    expect(x.notes?.['unreadChoices']).toBe(1);
    expect(x.needsReview).toBe(true);
  });

  it('counts nothing unread when the mark is there', () => {
    const x = run([[60, 240, 'Specialty Requested:'], [60, 254, '☐ Cardiology'], [200, 254, '☒ Dermatology'], [340, 254, '☐ Neurology']]);
    expect(x.fields['referral.specialty']?.value).toBe('Dermatology');
    expect(x.notes?.['unreadChoices']).toBe(0);
    expect(x.needsReview).toBe(false);
  });
});

describe('leader dots and blank rules', () => {
  it('reads the value under a label whose leader dots stand apart ("Reason for Referral ......")', () => {
    const v = values(doc(form([]).map((p): Piece => (p[2].startsWith('Reason for Referral') ? [60, 218, 'Reason for Referral ......'] : p)).concat([[60, 232, 'Recurrent kidney stones']])));
    expect(v['referral.reason']).toBe('Recurrent kidney stones');
  });

  it('reads a label glued to its leader dots with a speck among them ("FaX.....o... (512) 924-0110")', () => {
    expect(normWord('FaX.....o...')).toBe('fax');
    expect(normWord('No.......')).toBe('no');
    const v = values(doc(form([[60, 236, 'Provider FaX.....o... (512) 924-0110']])));
    expect(v['referringProvider.fax']).toBe('5129240110');
  });
});

describe('reasons with acronyms and labels without colons', () => {
  it('keeps an acronym inside the reason and stops at the next capitalised field', () => {
    const v = values(doc(form([]).map((p) => (String(p[2]).startsWith('Reason') ? [60, 218, 'Reason for Referral: Chronic reflux GERD not responding to PPI HISTORY: prior EGD 2019'] as Piece : p))));
    expect(v['referral.reason']).toBe('Chronic reflux GERD not responding to PPI');
  });

  it('reads "Consult Gastroenterology" at a line start as the specialty, but not a sentence starting with Consult', () => {
    expect(values(doc(form([[60, 236, 'Consult Gastroenterology']])))['referral.specialty']).toBe('Gastroenterology');
    expect(values(doc(form([[60, 236, 'Consult notes attached from prior visit']])))['referral.specialty']).toBeUndefined();
  });

  it('reads "Practice Westlake Family Medicine" as the practice only when the rest is an organisation name', () => {
    const withPractice = form([[60, 183, 'Practice Westlake Family Medicine']]);
    expect(values(doc(withPractice))['referringProvider.practice']).toBe('Westlake Family Medicine');
    expect(values(doc(form([[60, 183, 'Practice guidelines were reviewed with the patient']])))['referringProvider.practice']).toBe('Lakeside Family Clinic');
    expect(values(doc(form([[60, 183, 'Practice Name Brindle Hollow Family Practice']])))['referringProvider.practice']).toBe('Brindle Hollow Family Practice');
  });
});

describe('an OCR\'d priority row read twice', () => {
  const row = (pairs: Array<[string, string | undefined]>): Word[] => {
    let x = 100;
    return pairs.map(([text, reread]) => {
      const w: Word = { text, norm: normWord(text), bbox: [x, 100, x + text.length * 5, 110], confidence: 0.9, ...(reread !== undefined ? { reread } : {}) };
      x += text.length * 5 + 6;
      return w;
    });
  };
  const urgency = (words: Word[]) => readValue('referral.urgency', words, today)[0];

  it('agrees when the second reading gives the same checked option', () => {
    const v = urgency(row([['[X]', '(X]'], ['Routine', 'Routine'], ['[', '['], [']', 'J'], ['Urgent', 'Urgent'], ['☐', '[J'], ['STAT', 'STAT']]));
    expect(v).toMatchObject({ value: 'routine', marks: 'agree' });
  });

  it('keeps boxes found by their outline and cuts boxes the second reading glued to an option', () => {
    expect(urgency(row([['[', '[]'], [']', ''], ['Routine', ''], ['(X)', 'Routine(X)'], ['Urgent', 'Urgent0]'], ['STAT', 'STAT']]))).toMatchObject({ value: 'urgent', marks: 'agree' });
    expect(urgency(row([['[', ''], [']', ''], ['Routine', 'Routine'], ['☒', ''], ['Urgent', 'Urgent'], ['[J', '[J'], ['STAT', 'STAT']]))).toMatchObject({ value: 'urgent', marks: 'agree' });
  });

  it('differs when the second reading checks another option or reads no box', () => {
    const v = urgency(row([['(0', 'O'], ['Routine', 'Routine'], ['[J', ''], ['Urgent', 'Urgent'], ['o', 'o'], ['STAT', 'STAT']]));
    expect(v?.marks).toBe('differ');
  });

  it('reads a checked option the first reading garbled from the second reading, with doubt; nothing when neither gives an option', () => {
    const v = urgency(row([['☐', '[J'], ['Routine', 'Routine'], ['[X]', '[X]'], ['Uigent', 'Urgent[J'], ['STAT', 'STAT']]));
    expect(v).toMatchObject({ value: 'urgent' });
    expect(v!.doubt).toBeGreaterThanOrEqual(0.25);
    expect(urgency(row([['☐', '[J'], ['Routine', 'Routine'], ['[X]', '[X]'], ['Uigent', 'Uigent'], ['STAT', 'STAT']]))).toBeUndefined();
    // Too far from the option the second reading saw: not that option.
    expect(urgency(row([['☐', '[J'], ['Routine', 'Routine'], ['[X]', '[X]'], ['Agenda', 'Urgent'], ['STAT', 'STAT']]))).toBeUndefined();
  });

  it('needs no second reading on a text layer', () => {
    expect(urgency(row([['☒', undefined], ['Urgent', undefined], ['☐', undefined], ['Routine', undefined]]))).toMatchObject({ value: 'urgent' });
    expect(urgency(row([['☒', undefined], ['Urgent', undefined], ['☐', undefined], ['Routine', undefined]]))?.marks).toBeUndefined();
  });
});

describe('readings that are another field\'s or a stand-in', () => {
  it('does not read a line that opens with a colon-less label as the value under a caption', () => {
    const page: Piece[] = [
      [50, 40, 'REFERRAL FORM', 13],
      [60, 70, 'Patient Name: Quill, Harriet'],
      [60, 85, 'DOB: 02/11/1958'],
      [60, 110, 'Reason for Referral: Recurrent kidney stones'],
      [60, 140, 'Referring Physician'],
      [60, 155, 'Referred By Dr. Anselm Vorke'],
      [60, 170, 'Practice Name: Brindle Hollow Clinic'],
    ];
    const layout = doc(page);
    const { candidates } = offlineCandidates(layout, today);
    const names = candidates.filter((c) => c.key === 'referringProvider.name').map((c) => c.value);
    expect(names).toContain('Anselm Vorke');
    expect(names).not.toContain('Referred Vorke');
    expect(values(layout)['referringProvider.name']).toBe('Anselm Vorke');
  });

  it('does not let the description beside a diagnosis code contradict the reason the letter gives', () => {
    const letter = (dx: string): Piece[] => [
      [50, 40, 'Brindle Hollow Clinic', 14],
      [50, 100, 'Dear Doctor,'],
      [50, 125, 'I am referring Harriet Quill, DOB 02/11/1958, to you for knee pain on stairs.'],
      [50, 150, dx],
      [50, 190, 'Sincerely,'],
      [50, 220, 'Dr. Anselm Vorke'],
    ];
    const described = offlineChosen(doc(letter('Diagnosis: M17.11 - Primary osteoarthritis, right knee')), today).chosen['referral.reason']!;
    expect(described.candidate.value).toBe('knee pain on stairs');
    expect(described.conflict).toBe(false);
    // A bare code leaves the reason as it was: the description changed nothing.
    const bare = offlineChosen(doc(letter('Diagnosis: M17.11')), today).chosen['referral.reason']!;
    expect(described.raw).toBeCloseTo(bare.raw, 6);
  });
});

describe('an EHR printout of run-on lines', () => {
  it('reads a later label on a run-on line in the section of the line\'s first label, not of a label above it', () => {
    const got = values(doc([
      [50, 40, 'Referral Order', 13],
      [50, 70, 'Pt: Martinez, Diego DOB: 9/24/45'],
      [50, 100, 'Ins: Anthem Blue Cross'], [158, 100, 'ID: 35008675129'],
      [50, 130, 'Referring: Melissa Haddad, DO'],
      [50, 140, 'Organization: Oakwood Family Practice'],
      [50, 200, 'Phone #: 1-303-650-5989 Fax #: 303 286 6725'],
      [50, 220, 'Reason for Referral: Uncontrolled type 2 diabetes'],
    ]));
    expect(got['referringProvider.phone']).toBe('3036505989');
    expect(got['referringProvider.fax']).toBe('3032866725');
  });

  it('takes a fax label mid-line under a provider line as the provider\'s, though an insurance line sits two rows up', () => {
    const printout: Piece[] = [
      [50, 40, 'Referral Summary', 13],
      [50, 80, 'Pt: Harriet Quill DOB: 02.11.1958'],
      [50, 95, 'Ins: Plainway Insurance ID: PWH55501234'],
      [50, 110, 'Requesting Provider: Anselm Vorke, DO NPI Number: 1234567893'],
      [50, 125, 'Tel: 555-201-3344 Return Fax: (555)201-3345'],
      [50, 140, 'Reason for Consultation: Screening colonoscopy'],
    ];
    const got = values(scan(printout));
    expect(got['referringProvider.fax']).toBe('5552013345');
    expect(got['referringProvider.phone']).toBe('5552013344');
    expect(got['insurance.memberId']).toBe('PWH55501234');
  });

  it('... and so when the provider line above holds only a label at its start', () => {
    const printout: Piece[] = [
      [50, 40, 'Referral Summary', 13],
      [50, 80, 'Patient Full Name: Quill, Harriet DOB: 3 Nov 1958'],
      [50, 95, 'Payor: Plainsway East Policy/Member ID: 91036522763'],
      [50, 110, 'Referring Physician: Dr. Anselm Vorke'],
      [50, 125, 'NPI: 1234567893'],
      [50, 140, 'Tel: (555) 890-3910 Fax: 555 417 6367'],
      [50, 155, 'Reason: Palpitations and abnormal ECG'],
    ];
    const got = values(scan(printout));
    expect(got['referringProvider.fax']).toBe('5554176367');
  });
});

describe('sections in letters', () => {
  it('takes no section from a sentence that opens with a label\'s word, so the address after it is the patient\'s', () => {
    const letter: Piece[] = [
      [50, 40, 'Dear Doctor,'],
      [50, 60, 'Please see Harriet Quill, DOB 1958-02-11, for plantar fasciitis.'],
      [50, 75, 'Diagnoses pertinent to this request include plantar fascial fibromatosis (M72.2).'],
      [50, 100, 'Address: 1800 Ashgrove Trl, Madison, Wisconsin 53722'],
      [50, 140, 'Sincerely,'],
      [50, 170, 'Dr. Anselm Vorke'],
    ];
    const got = values(doc(letter));
    expect(got['patient.address.line1']).toBe('1800 Ashgrove Trl');
    expect(got['patient.address.state']).toBe('WI');
    expect(got['patient.address.postalCode']).toBe('53722');
  });
});

describe('labels OCR blurred', () => {
  const scanned = (line: string) => scan(form([[60, 236, line]]));

  it('reads "1D:" as the ID label, as a less sure label', () => {
    const { chosen } = offlineChosen(scanned('1D: H987 740 627'), today);
    expect(chosen['insurance.memberId']?.candidate.value).toBe('H987740627');
    expect(chosen['insurance.memberId']?.candidate.fuzzyLabel).toBe(true);
  });

  it('takes a speck before the colon ("Fax =: 614 ...") for the colon', () => {
    expect(values(scanned('Office Fax =: 555 417 6367'))['referringProvider.fax']).toBe('5554176367');
  });

  it('reads "Referred To Rheumatology" without a colon, but not a sentence after "Referred to"', () => {
    expect(values(scanned('Referred To Rheumatology'))['referral.specialty']).toBe('Rheumatology');
    expect(values(scanned('Referred to the clinic last spring'))['referral.specialty']).toBeUndefined();
  });
});

describe('more OCR slips seen on fresh rendered sets', () => {
  it('reads a colon-less "Referring Practice" and a short specialty ("Endo")', () => {
    const got = values(doc(form([
      [60, 236, 'Referring Practice Bayside Internal Medicine'],
      [60, 250, 'Referred To: Endo'],
    ])));
    expect(got['referringProvider.practice']).toBe('Bayside Internal Medicine');
    expect(got['referral.specialty']).toBe('Endo');
  });

  it('splits "Consultation.Chronic" into the label and its value', () => {
    const got = values(doc([
      [50, 40, 'REFERRAL FORM', 13], [60, 70, 'Patient Name: Quill, Harriet'], [60, 85, 'DOB: 02/11/1958'],
      [60, 100, 'Referring Physician: Tomas Virel, MD'], [60, 115, 'Reason for Consultation.Chronic sinusitis'],
    ]));
    expect(got['referral.reason']).toBe('Chronic sinusitis');
  });

  it('reads a category letter E that OCR made a pound sign ("£11.65")', () => {
    expect(repairCategoryLetter('£11.65')?.code).toBe('E11.65');
  });
});

describe('diagnosis codes OCR broke', () => {
  it('reads "J]32.9" (a bracket made of speckle) and doubts a list beside a code-shaped word that reads as none', () => {
    expect(values(doc(form([[60, 236, 'Diagnosis Code(s): J]32.9']])))['referral.diagnosisCodes']).toEqual(['J32.9']);
    expect(values(doc(form([[60, 236, 'Diagnosis Code(s): K?21.9 - GERD']])))['referral.diagnosisCodes']).toEqual(['K21.9']);
    const x = extractOffline(doc(form([[60, 236, 'Diagnosis: R085.9 R06.02']])), { reviewThreshold: 0.95, today });
    expect(x.fields['referral.diagnosisCodes']?.value).toEqual(['R06.02']);
    expect(x.fields['referral.diagnosisCodes']!.confidence).toBeLessThan(0.95);
    expect(x.needsReview).toBe(true);
  });
});

describe('a service written like a specialty but off the list', () => {
  const run = (rows: Piece[]) => values(doc(form(rows)));

  it('reads a colon-less Specialty label before a service phrase ("Specialty Inpatient Rehabilitation")', () => {
    expect(run([[60, 240, 'Specialty Inpatient Rehabilitation']])['referral.specialty']).toBe('Inpatient Rehabilitation');
  });

  it('does not take an abbreviation opening the service ("PT", "OT") for the next label', () => {
    expect(run([[60, 240, 'Service Requested: OT Eval and Treat']])['referral.specialty']).toBe('OT Eval and Treat');
    expect(run([[60, 240, 'Requested Service: PT Evaluation']])['referral.specialty']).toBe('PT Evaluation');
  });
});

describe('the reason beside notes', () => {
  it('reads a colon-less Reason label opening a line in a column of labelled lines', () => {
    const rows: Piece[] = [
      [50, 40, 'Lakeside Family Clinic', 14], [50, 62, 'REFERRAL FORM', 13],
      [60, 108, 'Patient Name: Quill, Harriet'], [60, 123, 'DOB: 02/11/1958'], [60, 168, 'Referring Physician: Tomas Virel, MD'],
      [60, 240, 'Specialty Requested: Hematology'], [60, 254, 'Reason Folate deficiency anemia'], [60, 268, 'Clinical Notes: Labs attached.'],
    ];
    expect(values(doc(rows))['referral.reason']).toBe('Folate deficiency anemia');
    // Out of the column, a line opening with the word is prose.
    expect(values(doc(rows.map((r) => (r[2].startsWith('Reason ') ? [90, r[1], r[2]] as Piece : r))))['referral.reason']).not.toBe('Folate deficiency anemia');
  });

  it('doubts a note taken as the reason when the listed codes beside it say something else', () => {
    const rows = (code: string): Piece[] => [
      [50, 40, 'Lakeside Family Clinic', 14], [50, 62, 'REFERRAL FORM', 13],
      [60, 108, 'Patient Name: Quill, Harriet'], [60, 123, 'DOB: 02/11/1958'],
      [60, 168, 'Referring Physician: Tomas Virel, MD'],
      [60, 218, `Diagnosis Code: ${code}`], [60, 233, 'Clinical Notes: Records and imaging attached.'],
    ];
    const off = extractOffline(doc(rows('D50.9')), { reviewThreshold: 0.95, today });
    expect(off.fields['referral.reason']?.value).toBe('Records and imaging attached');
    expect(off.fields['referral.reason']!.confidence).toBeLessThan(0.95);
    expect(off.needsReview).toBe(true);
  });
});

describe('a bracketed label run into its value', () => {
  it('splits "(ICD-10):D50.9" and "(ICD-10):-D50.9" (a speck read as a dash) after the colon', () => {
    for (const line of ['Diagnosis (ICD-10):D51.0 - Pernicious anemia', 'Diagnosis (ICD-10):-D51.0 - Pernicious anemia']) {
      expect(values(scan(form([[60, 236, line]])))['referral.diagnosisCodes']).toEqual(['D51.0']);
    }
  });
});

describe('a caption of several words ending in another label', () => {
  it('reads "Problem list for this visit: ..." as one caption, the value after its colon, without the code in brackets', () => {
    const got = values(doc(form([]).filter((p) => !p[2].startsWith('Reason')).concat([[60, 236, 'Problem list for this visit: Chronic kidney disease (N18.30).']])));
    expect(got['referral.reason']).toBe('Chronic kidney disease');
  });
});

describe('the reason\'s extent on a scan', () => {
  const ocr = (line: string) => values(makeLayout([piecesPage(1, form([]).filter((p) => !p[2].startsWith('Reason')).concat([[60, 236, line]]), { source: 'ocr', ocrConfidence: 0.96 })], 'tiff'))['referral.reason'];

  it('starts after a colon the label ran on to ("Reason tor Consultation: ...", "for" misread)', () => {
    expect(ocr('Reason tor Consultation: Ankle sprain, lateral')).toBe('Ankle sprain, lateral');
  });

  it('ends before the next field\'s label and the garbled caption words before it ("1CD-10 Codes:")', () => {
    expect(ocr('Reason for Referral: Chronic rhinitis 1CD-10 Codes: J31.0')).toBe('Chronic rhinitis');
  });
});


describe('OCR splits and joins', () => {
  it('reads a caption OCR gave as two overlapping lines ("REFERRAL" and, a unit lower, "TO") as one', () => {
    const pieces: Piece[] = [
      [50, 40, 'Lakeside Family Clinic', 14],
      [50, 90, 'Patient Name: Quill, Harriet'], [50, 105, 'DOB: 02/11/1958'],
      [50, 130, 'Referring Physician: Tomas Virel, MD'],
      [41, 361, 'REFERRAL', 6], [71, 360, 'TO', 8],
      [41, 372, 'General Surgery', 9],
      [41, 390, 'REASON FOR CONSULTATION', 6],
      [41, 402, 'Symptomatic gallstones', 9],
    ];
    const layout = scan(pieces);
    // The two pieces overlap as OCR boxed them: "REFERRAL" to x 77, "TO" from x 71.
    const line = layout.pages[0]!.blocks.flatMap((b) => b.lines).find((l) => l.text === 'REFERRAL')!;
    line.bbox[2] = 77;
    line.words[0]!.bbox[2] = 77;
    expect(values(layout)['referral.specialty']).toBe('General Surgery');
  });

  it('reads a sex caption OCR ran into its value ("SexM")', () => {
    expect(values(scan(form([[60, 138, 'SexM']])))['patient.sex']).toBe('M');
    expect(values(scan(form([[60, 138, 'GenderFemale']])))['patient.sex']).toBe('F');
  });

  it('takes no section from a label in a bracketed aside of a letter ("(subscriber ID ...)")', () => {
    const letter: Piece[] = [
      [50, 40, 'Lakeside Family Clinic', 14],
      [50, 90, 'Dear Colleague,'],
      [50, 110, 'I would like to refer Harriet Quill, DOB 02/11/1958, to your Cardiology clinic for'],
      [50, 124, 'evaluation of palpitations. The patient is covered by Aetna'],
      [50, 138, '(subscriber ID W20431177). Problem list for this visit: Palpitations (R00.2).'],
      [50, 160, 'Street Address: 5676 Washington Ave, Round Rock, TX 78698'],
      [50, 200, 'Kind regards,'], [50, 214, 'Dr. Tomas Virel'],
    ];
    const got = values(scan(letter));
    expect(got['patient.address.line1']).toBe('5676 Washington Ave');
    expect(got['patient.address.city']).toBe('Round Rock');
  });

  it('capitalises a specialty\'s word OCR read small ("Heart & vascular")', () => {
    expect(values(scan(form([[60, 240, 'Specialty: Heart & vascular']])))['referral.specialty']).toBe('Heart & Vascular');
  });

  it('capitalises a practice name\'s first word OCR read small ("valley Physicians Group")', () => {
    // The letterhead names the practice: the letterhead reader takes it as written.
    const got = values(scan(form([]).map((p): Piece => (p[2] === 'Lakeside Family Clinic' ? [p[0], p[1], 'valley Physicians Group', p[3]] : p))));
    expect(got['referringProvider.practice']).toBe('Valley Physicians Group');
  });
});

describe('a label word opening a line of prose', () => {
  const letter = (code: string): Piece[] => [
    [51, 40, 'Lakeside Family Clinic', 14],
    [51, 100, 'Dear Doctor,'],
    [51, 120, 'Please see Harriet Quill, DOB 03/17/1979, to you for right knee osteoarthritis with'],
    [51, 134, 'worsening pain. The patient can be reached at 1-512-318-2930. Diagnoses pertinent to this'],
    [51, 148, `request include Unilateral primary osteoarthritis ${code}.`],
    [51, 172, 'MRN: MR-581751'],
    [51, 186, 'Member No.: 84803567931'],
    [51, 220, 'Sincerely,'], [51, 240, 'Tomas Virel, MD'],
  ];

  it('reads no reason from "request" carrying on the sentence above ("... pertinent to this" / "request include ...")', () => {
    const got = values(scan(letter('(M17.11)')));
    expect(got['referral.reason']).toBe('right knee osteoarthritis with worsening pain');
    expect(got['referral.diagnosisCodes']).toEqual(['M17.11']);
  });

  it('reads a code in prose with a bracket of speckle after its letter ("(M]17.11)")', () => {
    expect(values(scan(letter('(M]17.11)')))['referral.diagnosisCodes']).toEqual(['M17.11']);
  });

  it('still reads a colon-less label opening a line under a labelled line ("Referring Practice Greenway Primary Care")', () => {
    const got = values(scan(form([[52, 252, 'Referring Physician: David Martinez, MD, FACP'], [52, 266, 'Referring Practice Greenway Primary Care']])));
    expect(got['referringProvider.practice']).toBe('Greenway Primary Care');
  });
});

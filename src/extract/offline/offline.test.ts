/**
 * The offline extractor on layouts built in code: label synonyms, values right of
 * and below labels, tables, two columns, names in both orders, narrative letters,
 * EHR printouts, cover sheets, non-referrals, OCR-noisy digits.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentLayout } from '../layout.ts';
import { extractOffline } from './index.ts';
import { makeLayout, piecesPage, readTwice, type Piece } from './synth/builder.ts';

const today = new Date('2025-11-15T00:00:00Z');
function doc(...pages: Piece[][]): DocumentLayout {
  return makeLayout(pages.map((p, i) => piecesPage(i + 1, p)), 'pdf');
}

function run(layout: DocumentLayout) {
  return extractOffline(layout, { reviewThreshold: 0.95, today });
}

function values(layout: DocumentLayout): Record<string, unknown> {
  return Object.fromEntries(Object.entries(run(layout).fields).map(([k, f]) => [k, f!.value]));
}

const FORM: Piece[] = [
  [50, 40, 'Cedar Park Family Medicine', 14],
  [50, 62, 'REFERRAL FORM', 13],
  [50, 90, 'PATIENT INFORMATION', 11],
  [60, 108, 'Patient Name: Doe, Jane A.'],
  [60, 123, 'D.O.B.: 03/14/1962'],
  [330, 123, 'Sex: F'],
  [60, 138, 'Phone: (512) 555-0147'],
  [60, 153, 'Address: 1200 Oak St'],
  [60, 168, 'City/State/ZIP: Austin, TX 78731-1234'],
  [50, 190, 'INSURANCE INFORMATION', 11],
  [60, 208, 'Insurance: Aetna'],
  [60, 223, 'Member ID: W 993297588'],
  [50, 245, 'REFERRING PROVIDER', 11],
  [60, 263, 'Name: Dr. Sarah Montoya, MD'],
  [60, 278, 'NPI: 1234567893'],
  [60, 293, 'Phone: (512) 774-0152'],
  [60, 308, 'Fax: (512) 774-0153'],
  [50, 330, 'REFERRAL INFORMATION', 11],
  [60, 348, 'Specialty: Cardiology'],
  [60, 363, 'Reason for Referral: Palpitations and abnormal ECG'],
  [60, 378, 'Diagnosis: R00.2, R94.31'],
  [60, 393, 'Priority: [X] Routine [ ] Urgent [ ] STAT'],
  [60, 408, 'Date: 11/02/2025'],
];

describe('labelled forms', () => {
  it('reads every field in normal form, with section-resolved generic labels', () => {
    const x = run(doc(FORM));
    expect(x.documentType).toBe('referral');
    expect(x.extractor).toBe('offline');
    const v = Object.fromEntries(Object.entries(x.fields).map(([k, f]) => [k, f!.value]));
    expect(v).toEqual({
      'patient.firstName': 'Jane', 'patient.middleName': 'A', 'patient.lastName': 'Doe', 'patient.dob': '1962-03-14',
      'patient.sex': 'F', 'patient.phone': '5125550147', 'patient.address.line1': '1200 Oak St', 'patient.address.city': 'Austin',
      'patient.address.state': 'TX', 'patient.address.postalCode': '78731', 'insurance.payer': 'Aetna', 'insurance.memberId': 'W993297588',
      'referringProvider.name': 'Sarah Montoya', 'referringProvider.npi': '1234567893', 'referringProvider.phone': '5127740152',
      'referringProvider.fax': '5127740153', 'referringProvider.practice': 'Cedar Park Family Medicine', 'referral.specialty': 'Cardiology',
      'referral.reason': 'Palpitations and abnormal ECG', 'referral.diagnosisCodes': ['R00.2', 'R94.31'], 'referral.urgency': 'routine',
      'referral.date': '2025-11-02',
    });
  });

  it('gives evidence: 1-based page and the value words\' box in PDF points', () => {
    const f = run(doc(FORM)).fields['patient.dob']!;
    expect(f.page).toBe(1);
    expect(f.bbox[0]).toBeGreaterThan(90);
    expect(f.bbox[1]).toBeCloseTo(123, 0);
    expect(f.confidence).toBeGreaterThan(0);
    expect(f.confidence).toBeLessThanOrEqual(1);
  });

  it.each(['DOB', 'Date of Birth', 'Birthdate', 'D.O.B.', 'Birth Date', 'DateofBirth'])('knows the label %s', (label) => {
    const v = values(doc([[50, 40, 'Referral Request'], [60, 70, `Patient: Jane Doe`], [60, 85, `${label}: 7/4/1971`], [60, 100, 'Referring Provider: Amy Lee, MD'], [60, 115, 'Reason for referral: knee pain']]));
    expect(v['patient.dob']).toBe('1971-07-04');
  });

  it('tolerates an OCR slip in a label', () => {
    const v = values(doc([[50, 40, 'Referral Request'], [60, 70, 'Patlent Name: Jane Doe'], [60, 85, 'Date of Brith: 7/4/1971'], [60, 100, 'Reason for referral: knee pain']]));
    expect(v['patient.firstName']).toBe('Jane');
    expect(v['patient.dob']).toBe('1971-07-04');
  });

  it('reads values in a separate cell to the right and under stacked labels', () => {
    const v = values(doc([
      [50, 40, 'Referral Request'],
      [60, 70, 'Patient Name'], [200, 70, 'Jane A. Doe'],
      [60, 100, 'DATE OF BIRTH', 7], [250, 100, 'REFERRING PHYSICIAN', 7],
      [60, 111, '1971-07-04'], [250, 111, 'Amy Lee, MD'],
      [60, 140, 'REASON FOR REFERRAL', 7], [60, 151, 'Chronic knee pain'],
    ]));
    expect(v['patient.lastName']).toBe('Doe');
    expect(v['patient.dob']).toBe('1971-07-04');
    expect(v['referringProvider.name']).toBe('Amy Lee');
    expect(v['referral.reason']).toBe('Chronic knee pain');
  });

  it('reads a table: header row of labels, value row under it', () => {
    const v = values(doc([
      [50, 40, 'Outpatient Referral'],
      [40, 80, 'Last Name'], [140, 80, 'First Name'], [240, 80, 'DOB'], [330, 80, 'Sex'],
      [40, 94, 'Garcia'], [140, 94, 'Maria'], [240, 94, '04/09/1961'], [330, 94, 'Female'],
      [40, 130, 'Referred By: Amy Lee, MD'], [40, 145, 'Reason: Right knee osteoarthritis'],
    ]));
    expect(v).toMatchObject({ 'patient.lastName': 'Garcia', 'patient.firstName': 'Maria', 'patient.dob': '1961-04-09', 'patient.sex': 'F' });
  });

  it('keeps two columns apart: the right column\'s Phone is the office phone', () => {
    const v = values(doc([
      [200, 40, 'REFERRAL FORM'],
      [40, 80, 'PATIENT INFORMATION', 11], [320, 80, 'REFERRING PROVIDER', 11],
      [45, 98, 'Name: Jane Doe'], [325, 98, 'Name: Amy Lee, MD'],
      [45, 112, 'DOB: 1/2/1980'], [325, 112, 'Phone: 512-774-0152'],
      [45, 126, 'Phone: 737-555-0101'], [325, 126, 'Fax: 512-774-0153'],
      [45, 150, 'Reason: Chronic cough'],
    ]));
    expect(v['patient.phone']).toBe('7375550101');
    expect(v['referringProvider.phone']).toBe('5127740152');
    expect(v['referringProvider.name']).toBe('Amy Lee');
    expect(v['patient.firstName']).toBe('Jane');
  });
});

describe('more layouts', () => {
  it('reads a value above its caption (paper forms) and past dotted leaders', () => {
    const v = values(doc([
      [50, 40, 'Referral Request'],
      [40, 80, 'Doe, Jane', 10], [225, 80, '07/04/1971', 10],
      [40, 93, 'Patient Name', 7], [225, 93, 'Date of Birth', 7],
      [40, 130, 'Referring Provider......... Amy Lee, MD'],
      [40, 145, 'Reason for Referral......... Chronic knee pain'],
    ]));
    expect(v).toMatchObject({ 'patient.firstName': 'Jane', 'patient.lastName': 'Doe', 'patient.dob': '1971-07-04', 'referringProvider.name': 'Amy Lee', 'referral.reason': 'Chronic knee pain' });
  });

  it('joins primary and secondary diagnosis codes into one list', () => {
    const v = values(doc([
      [50, 40, 'Referral Request'], [60, 70, 'Patient: Jane Doe'], [60, 85, 'DOB: 7/4/1971'], [60, 100, 'Referring Provider: Amy Lee, MD'],
      [60, 120, 'Primary Diagnosis: R07.9 Chest pain'], [60, 135, 'Secondary Diagnosis: I10 Hypertension'],
    ]));
    expect(v['referral.diagnosisCodes']).toEqual(['R07.9', 'I10']);
  });

  it('keeps a particle with the surname: "Van Dyke, Maria NP"', () => {
    const v = values(doc([[50, 40, 'Referral Request'], [60, 70, 'Patient: Jane Doe'], [60, 85, 'Referring Physician: Van Dyke, Maria NP']]));
    expect(v['referringProvider.name']).toBe('Maria Van Dyke');
  });
});

describe('names, letters and printouts', () => {
  it('reads a narrative letter: patient, DOB, reason, specialty, signature, letterhead', () => {
    const v = values(doc([
      [50, 40, 'Riverbend Pediatrics', 15],
      [50, 60, 'Tel: (512) 555-0100   Fax: (512) 555-0101', 9],
      [50, 100, 'November 2, 2025'],
      [50, 130, 'Dear Colleague,'],
      [50, 155, 'I am referring Ms. Jane Doe, DOB 3/14/1962, to your Dermatology clinic for evaluation of'],
      [50, 169, 'a changing pigmented lesion on her back. She is a 63-year-old female.'],
      [50, 220, 'Sincerely,'],
      [50, 260, 'Sarah Montoya, MD'],
    ]));
    expect(v).toMatchObject({
      'patient.firstName': 'Jane', 'patient.lastName': 'Doe', 'patient.dob': '1962-03-14', 'patient.sex': 'F',
      'referral.specialty': 'Dermatology', 'referringProvider.name': 'Sarah Montoya', 'referringProvider.practice': 'Riverbend Pediatrics',
      'referral.date': '2025-11-02', 'referringProvider.phone': '5125550100', 'referringProvider.fax': '5125550101',
    });
    expect(String(v['referral.reason'])).toMatch(/changing pigmented lesion/);
  });

  it('reads an EHR printout: "Pt: DOE, JANE A"', () => {
    const v = values(doc([
      [40, 40, 'Outgoing Referral', 11],
      [40, 70, 'Pt: DOE, JANE A    DOB: 03/14/1962    Sex: F    MRN: A1234567', 9],
      [40, 83, 'Referring: Montoya, Sarah MD    NPI: 1234567893', 9],
      [40, 96, 'Dx: M17.11 Unilateral primary osteoarthritis, right knee', 9],
    ]));
    expect(v).toMatchObject({
      'patient.firstName': 'JANE', 'patient.middleName': 'A', 'patient.lastName': 'DOE', 'patient.dob': '1962-03-14',
      'patient.sex': 'F', 'patient.mrn': 'A1234567', 'referringProvider.name': 'Sarah Montoya', 'referringProvider.npi': '1234567893',
      'referral.diagnosisCodes': ['M17.11'],
    });
  });
});

describe('cover sheets and document types', () => {
  const cover: Piece[] = [
    [200, 50, 'FAX COVER SHEET', 16],
    [60, 110, 'To:'], [150, 110, 'Valley Cardiology'],
    [60, 130, 'From:'], [150, 130, 'Dr. Robert Hill'],
    [60, 150, 'Phone:'], [150, 150, '(737) 555-0199'],
    [60, 170, 'Fax:'], [150, 170, '(737) 555-0198'],
    [60, 190, 'Pages:'], [150, 190, '2'],
    [60, 210, 'Re:'], [150, 210, 'Referral'],
    [60, 700, 'CONFIDENTIALITY NOTICE: intended only for the recipient named above.', 7],
  ];

  it('does not take the cover sheet\'s offices for the patient or the referring clinician', () => {
    const x = run(doc(cover, FORM));
    expect(x.documentType).toBe('referral');
    expect(x.fields['referringProvider.name']?.value).toBe('Sarah Montoya');
    expect(x.fields['referringProvider.phone']?.value).toBe('5127740152');
    expect(x.fields['patient.firstName']?.page).toBe(2);
    expect(x.notes?.coverPages).toEqual([1]);
  });

  it('a cover sheet alone is not a referral', () => {
    const x = run(doc(cover));
    expect(x.documentType).toBe('other');
    expect(x.needsReview).toBe(true);
    expect(x.fields).toEqual({});
  });

  it.each([
    ['lab report', [[40, 40, 'LABORATORY REPORT'], [40, 60, 'Patient: Doe, Jane   DOB: 3/14/1962'], [40, 80, 'Test Result Flag Reference Range Units'], [40, 95, 'Glucose 140 H 70-99 mg/dL'], [40, 110, 'Specimen: serum']]],
    ['records request', [[40, 40, 'REQUEST FOR MEDICAL RECORDS'], [40, 60, 'Patient Name: Jane Doe'], [40, 75, 'Date of Birth: 3/14/1962'], [40, 90, 'Please send copies of office notes. Authorization to release information attached.']]],
    ['refill request', [[40, 40, 'PRESCRIPTION REFILL REQUEST'], [40, 60, 'Pharmacy: CVS #1234'], [40, 75, 'Patient: Jane Doe  DOB: 3/14/1962'], [40, 90, 'Medication: Lisinopril 10 mg  Qty: 90  Refills: 3']]],
    ['marketing', [[40, 40, 'SPECIAL OFFER FOR MEDICAL OFFICES'], [40, 70, 'Grow your referrals! Limited time: save 30%. Call now.'], [40, 100, 'To be removed from our fax list call (800) 555-0101.']]],
    ['blank page', []],
  ] as Array<[string, Piece[]]>)('a %s is "other" and goes to review', (_name, pieces) => {
    const x = run(doc(pieces));
    expect(x.documentType).toBe('other');
    expect(x.needsReview).toBe(true);
  });
});

describe('document type from both OCR readings', () => {
  const letter: Piece[] = [
    [50, 40, 'Pioneer Family Medicine', 14],
    [50, 120, 'Dear Colleague,'],
    [50, 140, 'Lam writing to eter Ms. Jane A. Doe, DOB 3/14/1962, to our colleagues in Neurology'],
    [50, 155, 'for further care of numbness and tingling in both hands.'],
    [50, 200, 'Kind regards,'], [50, 230, 'Donna Lewis, MD'],
  ];
  const scanned = (second: (t: string) => string) => {
    const page = piecesPage(1, letter, { source: 'ocr', ocrConfidence: 0.9 });
    readTwice(page, second);
    return run(makeLayout([page], 'tiff'));
  };

  it('a letter whose "refer" one reading garbled is a referral when the other reading has it', () => {
    expect(scanned((t) => (t === 'eter' ? 'refer' : t)).documentType).toBe('referral');
    expect(scanned((t) => t).documentType).toBe('other');
  });
});

describe('OCR noise', () => {
  it('repairs O/0 and l/1 in digit fields and costs confidence for it', () => {
    const clean = run(doc(FORM));
    const noisy = FORM.map(([x, y, t, s]) => [x, y, t.replace('03/14/1962', 'O3/l4/1962').replace('1234567893', 'l2345678g3'.replace('g', '9')), s] as Piece);
    const x = run(doc(noisy));
    expect(x.fields['patient.dob']?.value).toBe('1962-03-14');
    expect(x.fields['referringProvider.npi']?.value).toBe('1234567893');
    expect(x.fields['patient.dob']!.confidence).toBeLessThan(clean.fields['patient.dob']!.confidence);
  });

  it('low OCR confidence on a required field sends the document to review', () => {
    const layout = doc(FORM);
    const clean = run(layout);
    for (const b of layout.pages[0]!.blocks) for (const l of b.lines) for (const w of l.words) if (w.text === 'Jane') w.confidence = 0.35;
    layout.pages[0]!.source = 'ocr';
    const x = run(layout);
    expect(x.fields['patient.firstName']!.confidence).toBeLessThan(0.95);
    expect(x.needsReview).toBe(true);
    expect(clean.fields['patient.firstName']!.confidence).toBeGreaterThan(x.fields['patient.firstName']!.confidence);
  });

  it('never throws on hostile layouts', () => {
    const weird: DocumentLayout = { format: 'pdf', decodeMs: 0, pages: [
      { pageNumber: 1, width: 0, height: 0, source: 'ocr', blocks: [{ bbox: [0, 0, 0, 0], lines: [{ text: '', bbox: [0, 0, 0, 0], words: [{ text: ':::', bbox: [NaN, 0, 0, 0], confidence: -1 }, { text: 'DOB:', bbox: [0, 0, 0, 0], confidence: 2 }] }] }] },
      { pageNumber: 2, width: 612, height: 792, source: 'blank', blocks: [] },
    ] };
    expect(() => run(weird)).not.toThrow();
    expect(run({ format: 'pdf', decodeMs: 0, pages: [] }).documentType).toBe('other');
  });
});

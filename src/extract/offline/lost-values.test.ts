/**
 * Values an OCR'd page shows that no reader placed (captions garbled beyond
 * recognition), and captions printed under their values. All values are invented.
 */
import { describe, expect, it } from 'vitest';
import { extractOffline, offlineCandidates } from './index.ts';
import { lostValueKeys } from './lost-values.ts';
import { buildPages, isDebrisWord } from './segments.ts';
import { makeLayout, piecesPage, readTwice, type Piece } from './synth/builder.ts';

const today = new Date('2025-11-15T00:00:00Z');

/** A form printed with captions under the values; `captions` replaces the phone/address row's captions. */
function stacked(captions: [string, string, string], city = 'Mesa, AZ 85201'): Piece[] {
  return [
    [53, 54, 'Juniper Hollow Clinic', 14],
    [222, 89, 'REFERRAL FORM', 12],
    [43, 118, 'PATIENT INFORMATION', 11],
    [43, 136, 'Okafor, Wren T.', 9], [228, 136, '1961-03-08', 9], [410, 136, 'Female', 9],
    [43, 149, 'Pt Name', 6], [227, 149, 'Date of Birth', 6], [409, 151, 'Sex', 6],
    [44, 166, '1-602-555-0143'], [226, 166, '2810 Copper Ln'], [409, 166, city],
    [43, 179, captions[0], 6], [226, 179, captions[1], 6], [409, 179, captions[2], 6],
    [43, 251, 'Harborline Health', 9], [410, 251, '8841207', 9],
    [43, 265, 'Insurance Carrier', 8], [409, 265, 'Group Number', 8],
    [43, 307, 'Referring Physician: Ilse Marchetti, MD'],
    [43, 392, 'Reason for Referral: Chronic migraine, not responding to triptans'],
  ];
}

function ocrLayout(pieces: Piece[]) {
  return makeLayout([piecesPage(1, pieces, { source: 'ocr', ocrConfidence: 0.96 })], 'tiff');
}

/** An EHR referral order whose member ID follows the payer after `caption` on the same line. */
function referralOrder(caption: string) {
  return ocrLayout([
    [122, 90, 'Referral Order', 14],
    [122, 232, 'Pt Name: Sato, Mireille'], [122, 268, 'DOB: 12/7/65 Sex: F'],
    [122, 340, `Ins: Harborline Health ${caption} 36109083487`],
    [121, 375, 'Referring: Okoro, Tamsin DO'],
    [121, 520, 'Reason for Consultation: Suspected obstructive sleep apnea'],
  ]);
}

describe('values no reader placed', () => {
  it('names the fields of bare phone, street and city lines whose captions OCR garbled', () => {
    const layout = ocrLayout(stacked(['Phune', 'Sweet Adress', 'Cty/Stane/Z.P']));
    const page = buildPages(layout)[0]!;
    const keys = lostValueKeys(page, offlineCandidates(layout, today).candidates);
    expect([...keys].sort()).toEqual(['patient.address.city', 'patient.address.line1', 'patient.address.postalCode', 'patient.address.state',
      'patient.phone', 'referringProvider.fax', 'referringProvider.phone']);
    const got = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(got.needsReview).toBe(true);
    expect(got.notes?.lostValues).toBeGreaterThan(0);
  });

  it('names the city, state and ZIP of a city line whose ZIP OCR gave a digit too many, under a caption it read', () => {
    const layout = ocrLayout(stacked(['Phone', 'Street Address', 'City/State/ZIP'], 'Mesa, AZ 852016'));
    const got = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(got.fields['patient.address.city']).toBeUndefined();
    expect([...lostValueKeys(buildPages(layout)[0]!, offlineCandidates(layout, today).candidates)]).toContain('patient.address.postalCode');
    expect(got.needsReview).toBe(true);
  });

  it('names the member ID of a bare identifier written in groups ("482 915 30377") under a caption OCR garbled', () => {
    const pieces = stacked(['Phone', 'Street Address', 'City/State/ZIP']).map((p): Piece => (p[2] === '8841207' ? [p[0], p[1], '482 915 30377', p[3]] : p[2] === 'Group Number' ? [p[0], p[1], 'in', p[3]] : p));
    const layout = ocrLayout(pieces);
    const got = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(got.fields['insurance.memberId']).toBeUndefined();
    expect([...lostValueKeys(buildPages(layout)[0]!, offlineCandidates(layout, today).candidates)]).toContain('insurance.memberId');
    expect(got.needsReview).toBe(true);
    // A phone number in groups is a phone, not an identifier.
    const phone = ocrLayout(stacked(['Phone', 'Street Address', 'City/State/ZIP']).map((p): Piece => (p[2] === '8841207' ? [p[0], p[1], '602 555 0143', p[3]] : p)));
    expect([...lostValueKeys(buildPages(phone)[0]!, offlineCandidates(phone, today).candidates)]).not.toContain('insurance.memberId');
  });

  it('names the diagnosis codes of a code the second reading saw where the first garbled its letter ("(56.00" / "G56.00")', () => {
    const pieces = (code: string): Piece[] => [...stacked(['Phone', 'Street Address', 'City/State/ZIP']), [43, 420, '0) SR', 9], [230, 420, code, 9]];
    const layout = ocrLayout(pieces('(56.00'));
    readTwice(layout.pages, (t) => (t === '(56.00' ? 'G56.00' : t));
    expect([...lostValueKeys(buildPages(layout)[0]!, offlineCandidates(layout, today).candidates)]).toContain('referral.diagnosisCodes');
    const once = ocrLayout(pieces('(56.00'));
    readTwice(once.pages);
    expect([...lostValueKeys(buildPages(once)[0]!, offlineCandidates(once, today).candidates)]).not.toContain('referral.diagnosisCodes');
  });

  it('holds a scan whose sex cell is empty (OCR drops a lone letter), not a text layer', () => {
    // Nothing over or under the Sex caption (its column holds no other row).
    const noSex = stacked(['Phone', 'Street Address', 'City/State/ZIP']).filter((p) => !['Female', 'Mesa, AZ 85201', 'City/State/ZIP', '8841207', 'Group Number'].includes(p[2]));
    const scan = extractOffline(ocrLayout(noSex), { reviewThreshold: 0.95, today });
    expect(scan.fields['patient.sex']).toBeUndefined();
    expect(scan.notes?.lostValues).toBe(1);
    expect(scan.needsReview).toBe(true);
    const text = extractOffline(makeLayout([piecesPage(1, noSex)], 'pdf'), { reviewThreshold: 0.95, today });
    expect(text.notes?.lostValues).toBe(0);
  });

  it('holds a scan whose sex cell holds one letter that is no sex ("N" for M)', () => {
    const layout = ocrLayout(stacked(['Phone', 'Street Address', 'City/State/ZIP']).map((p) => (p[2] === 'Female' ? [p[0], p[1], 'N', p[3]] as Piece : p)));
    const got = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(got.fields['patient.sex']).toBeUndefined();
    expect(got.notes?.lostValues).toBe(1);
    expect(got.needsReview).toBe(true);
  });

  it('holds a scan whose sex cell holds only a speck ("\\"), and names the codes for a code in brackets in prose no reader took', () => {
    const speck = extractOffline(ocrLayout(stacked(['Phone', 'Street Address', 'City/State/ZIP']).map((p) => (p[2] === 'Female' ? [p[0], p[1], '\\', p[3]] as Piece : p))), { reviewThreshold: 0.95, today });
    expect(speck.fields['patient.sex']).toBeUndefined();
    expect(speck.needsReview).toBe(true);
    const prose = ocrLayout([...stacked(['Phone', 'Street Address', 'City/State/ZIP']), [43, 420, 'Problem list for this visit: Chronic sinusitis (132.9).']]);
    expect([...lostValueKeys(buildPages(prose)[0]!, offlineCandidates(prose, today).candidates)]).toContain('referral.diagnosisCodes');
    // Its letter read as "1." ("(1.20.9)" for L20.9).
    const dotted = ocrLayout([...stacked(['Phone', 'Street Address', 'City/State/ZIP']), [43, 420, 'Problem list for this visit: Contact dermatitis (1.25.9).']]);
    expect([...lostValueKeys(buildPages(dotted)[0]!, offlineCandidates(dotted, today).candidates)]).toContain('referral.diagnosisCodes');
  });

  it('names nothing when the captions were read and the values placed', () => {
    const layout = ocrLayout(stacked(['Phone', 'Street Address', 'City/State/ZIP']));
    const got = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(got.fields['patient.phone']?.value).toBe('6025550143');
    expect(got.fields['patient.address.postalCode']?.value).toBe('85201');
    expect(lostValueKeys(buildPages(layout)[0]!, offlineCandidates(layout, today).candidates).size).toBe(0);
  });

  it('names the identifier after a caption no reader knew, and ends the payer before it', () => {
    const layout = referralOrder('lD:');
    const keys = lostValueKeys(buildPages(layout)[0]!, offlineCandidates(layout, today).candidates);
    expect(keys.has('insurance.memberId')).toBe(true);
    const got = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(got.fields['insurance.payer']?.value).toBe('Harborline Health');
    expect(got.needsReview).toBe(true);
  });

  it('reads the identifier after "1D:" (a digit for the I) as the member ID, from a less sure label, and holds it', () => {
    const layout = referralOrder('1D:');
    const got = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(got.fields['insurance.payer']?.value).toBe('Harborline Health');
    expect(got.fields['insurance.memberId']?.value).toBe('36109083487');
    expect(got.fields['insurance.memberId']!.confidence).toBeLessThan(0.95);
    expect(got.needsReview).toBe(true);
  });

  it('names the ID fields for a bare identifier under a caption no reader knew, unless the same identifier was read elsewhere', () => {
    const pieces = (caption: string): Piece[] => [
      ...stacked(['Phone', 'Street Address', 'City/State/ZIP']),
      [43, 205, caption, 6], [43, 216, 'XK4471902', 9],
    ];
    const layout = ocrLayout(pieces('Subscriber'));
    const keys = lostValueKeys(buildPages(layout)[0]!, offlineCandidates(layout, today).candidates);
    expect([...keys].sort()).toEqual(['insurance.groupNumber', 'insurance.memberId', 'patient.mrn']);
    expect(extractOffline(layout, { reviewThreshold: 0.95, today }).notes?.lostValues).toBeGreaterThan(0);
    // A date and a ZIP+4 have an identifier's shape but are not one: a bare date is a date's.
    const under = (value: string) => {
      const other = ocrLayout([...stacked(['Phone', 'Street Address', 'City/State/ZIP']), [43, 205, 'ATC', 6], [43, 216, value, 9]]);
      return [...lostValueKeys(buildPages(other)[0]!, offlineCandidates(other, today).candidates)].sort();
    };
    expect(under('85201-4410')).toEqual([]);
    for (const date of ['05-22-2026', 'Jul 21, 2026', '21 Jul 2026']) expect(under(date)).toEqual(['patient.dob', 'referral.date']);
    // The member ID labelled on a later line: the bare copy is not lost.
    const read = ocrLayout([...pieces('Subscriber'), [43, 420, 'Member ID: XK4471902']]);
    expect(lostValueKeys(buildPages(read)[0]!, offlineCandidates(read, today).candidates).size).toBe(0);
  });

  it('names the ID fields for an identifier closing a short line after a caption OCR garbled ("Acct #o. QT-4471902"), unless read elsewhere', () => {
    const pieces = (caption: string): Piece[] => [...stacked(['Phone', 'Street Address', 'City/State/ZIP']), [43, 216, `${caption} QT-4471902`, 9]];
    const keysOf = (layout: ReturnType<typeof ocrLayout>) => [...lostValueKeys(buildPages(layout)[0]!, offlineCandidates(layout, today).candidates)].sort();
    expect(keysOf(ocrLayout(pieces('Acct #o.')))).toEqual(['insurance.groupNumber', 'insurance.memberId', 'patient.mrn']);
    // Its "#" read as a digit ("Acct 7...").
    expect(keysOf(ocrLayout(pieces('Acct 7...')))).toEqual(['insurance.groupNumber', 'insurance.memberId', 'patient.mrn']);
    expect(keysOf(ocrLayout([...pieces('Acct #o.'), [43, 420, 'MRN: QT-4471902']]))).toEqual([]);
    // A date closing the line is no identifier.
    expect(keysOf(ocrLayout([...stacked(['Phone', 'Street Address', 'City/State/ZIP']), [43, 216, 'Seen on 05-22-2026', 9]]))).toEqual([]);
  });

  it('holds a scan whose date caption has a number run in from the next cell under it, starting left of it ("[ ] STAV-19-2026")', () => {
    const grid = (cell: string) => extractOffline(ocrLayout([
      ...stacked(['Phone', 'Street Address', 'City/State/ZIP']),
      [43, 405, 'REFERRAL INFORMATION', 9], [43, 420, 'REFERRAL PRIORITY', 6], [413, 420, 'ORDER DATE', 6],
      [43, 431, '☐ Routine  ☒ Urgent', 9], [387, 431, cell, 9],
    ]), { reviewThreshold: 0.95, today });
    const lost = grid('[ ] STAV-19-2026');
    expect(lost.fields['referral.date']).toBeUndefined();
    expect(lost.notes?.lostValues).toBeGreaterThan(0);
    expect(lost.needsReview).toBe(true);
    // Only words under the caption: a cell of letters there is not a lost number.
    expect(grid('[ ] STAT').notes?.lostValues).toBe(0);
  });

  it('names the sex for a sex letter standing alone, its caption lost, even high on the page', () => {
    const layout = ocrLayout([...stacked(['Phone', 'Street Address', 'City/State/ZIP']).filter((p) => p[2] !== 'Female' && p[2] !== 'Sex'), [410, 100, 'F', 9]]);
    expect([...lostValueKeys(buildPages(layout)[0]!, offlineCandidates(layout, today).candidates)]).toEqual(['patient.sex']);
  });

  it('names the diagnosis codes for a listed code opening a line under a caption OCR garbled', () => {
    const layout = ocrLayout([
      ...stacked(['Phone', 'Street Address', 'City/State/ZIP']),
      [43, 420, 'ICD-19 CODES', 6], [43, 431, '647.33 - Obstructive sleep apnea (adult) (pediatric)', 9],
    ]);
    const candidates = offlineCandidates(layout, today).candidates;
    expect(candidates.some((c) => c.key === 'referral.diagnosisCodes')).toBe(false);
    expect([...lostValueKeys(buildPages(layout)[0]!, candidates)]).toEqual(['referral.diagnosisCodes']);
    const got = extractOffline(layout, { reviewThreshold: 0.95, today });
    expect(got.needsReview).toBe(true);
    // A code whose digits OCR read as look-alike letters, past mending ("K5l1.3").
    const garbled = ocrLayout([...stacked(['Phone', 'Street Address', 'City/State/ZIP']), [43, 420, '1€D-10', 6], [43, 431, 'K5l1.3', 9]]);
    expect([...lostValueKeys(buildPages(garbled)[0]!, offlineCandidates(garbled, today).candidates)]).toEqual(['referral.diagnosisCodes']);
  });

  it('leaves the letterhead and a text layer alone', () => {
    const text = makeLayout([piecesPage(1, stacked(['Phune', 'Sweet Adress', 'Cty/Stane/Z.P']))], 'pdf');
    expect(lostValueKeys(buildPages(text)[0]!, []).size).toBe(0);
    const letterhead = ocrLayout([[53, 40, '4410 Canyon Rd', 10], [53, 52, '(480) 555-0199', 10], [222, 300, 'REFERRAL FORM', 12]]);
    expect(lostValueKeys(buildPages(letterhead)[0]!, []).size).toBe(0);
  });
});

describe('captions under values', () => {
  it('reads values over captions almost as tall as they are once the page shows captions under values', () => {
    const got = extractOffline(ocrLayout(stacked(['Phone', 'Street Address', 'City/State/ZIP'])), { reviewThreshold: 0.95, today }).fields;
    expect(got['patient.sex']?.value).toBe('F');
    expect(got['insurance.payer']?.value).toBe('Harborline Health');
    expect(got['insurance.groupNumber']?.value).toBe('8841207');
  });
});

describe('a dash read by OCR', () => {
  it('keeps a flat dash as a word and drops a flat speck of letters', () => {
    expect(isDebrisWord({ text: '-', bbox: [235, 223, 238, 224], confidence: 0.9 }, 8)).toBe(false);
    expect(isDebrisWord({ text: 'oo', bbox: [235, 223, 238, 224], confidence: 0.9 }, 8)).toBe(true);
    // Less flat, as a photo's dash comes out: a word when OCR was sure of it, a speck when not.
    expect(isDebrisWord({ text: '-', bbox: [1233, 566.4, 1237, 569.5], confidence: 0.92 }, 22)).toBe(false);
    expect(isDebrisWord({ text: '-', bbox: [1233, 566.4, 1237, 569.5], confidence: 0.4 }, 22)).toBe(true);
  });
});

describe('digits seen elsewhere', () => {
  it('lets an OCR\'d fax number stand when the fax header carries the same digits', () => {
    const body: Piece[] = [
      [50, 60, 'REFERRAL FORM', 13],
      [50, 90, 'Patient Name: Quill, Harriet'], [50, 105, 'DOB: 02/11/1958'],
      [50, 140, 'REFERRING PROVIDER', 11],
      [50, 158, 'Referring Physician: Tomas Virel, MD'], [50, 173, 'Fax: 415.555.0187'],
      [50, 210, 'Reason for Referral: Recurrent kidney stones'],
    ];
    const fax = (header: string) => {
      const layout = ocrLayout([[20, 8, header, 7], ...body]);
      readTwice(layout.pages, (t) => (t === '415.555.0187' ? '415.555.018' : t));
      return extractOffline(layout, { reviewThreshold: 0.95, today }).fields['referringProvider.fax']!;
    };
    const seen = fax('MAR-03-2025 09:12A FROM: (415) 555-0187 LARKSPUR CLINIC');
    const other = fax('MAR-03-2025 09:12A FROM: (415) 555-0999 LARKSPUR CLINIC');
    expect(seen.value).toBe('4155550187');
    expect(other.confidence).toBeLessThan(0.95);
    expect(seen.confidence).toBeGreaterThan(other.confidence);
  });
});

/**
 * Patient and insurance fields on unseen layouts: OCR-mangled labels, ids split or
 * misread by OCR (MBI look-alikes), checkbox and option-row sex, debris around
 * values, payer names with OCR slips, stamps versus the form's own body, grids on
 * photo-scale pages. All values are invented.
 */
import { describe, expect, it } from 'vitest';
import type { BBox, DocumentLayout, LayoutPage } from '../layout.ts';
import { stateForZip } from '../normalize/address.ts';
import { repairPayer } from '../normalize/payers.ts';
import { readChecklists } from './checklist.ts';
import { combine } from './confidence.ts';
import type { Candidate } from './candidates.ts';
import { extractOffline, offlineChosen } from './index.ts';
import { looseWordMatch, matchLabelAt } from './labels.ts';
import { buildPages, isDebrisWord, normWord, type Word } from './segments.ts';
import { generateDoc } from './synth/generate.ts';
import { makeMbi } from './synth/referral.ts';
import { makeLayout, piecesPage, readTwice, type Piece } from './synth/builder.ts';
import { Rng } from './synth/rng.ts';
import { capitaliseCaseSlips, dropDebris, joinSplitWords, readValue, repairIdDigits, repairMbi, streetTypeDoubt } from './values.ts';

const today = new Date('2025-11-15T00:00:00Z');

/** Words laid out left to right; `gaps` gives the space before each word after the first. */
function words(text: string, opts: { gaps?: number[]; conf?: number[]; h?: number } = {}): Word[] {
  const h = opts.h ?? 10;
  let x = 100;
  return text.split(' ').map((t, i) => {
    if (i > 0) x += opts.gaps?.[i - 1] ?? 3;
    const w: Word = { text: t, norm: normWord(t), bbox: [x, 100, x + t.length * 5, 100 + h], confidence: opts.conf?.[i] ?? 0.95 };
    x += t.length * 5;
    return w;
  });
}

function label(text: string) {
  const m = matchLabelAt(words(text), 0);
  return m ? { phrase: m.def.words.join(' '), slot: m.def.slot, end: m.end, fuzzy: m.fuzzy } : null;
}

function value(key: Parameters<typeof readValue>[0], ws: Word[]) {
  return readValue(key, ws, today).map((v) => [v.key, v.value]);
}

describe('labels mangled by OCR', () => {
  it('reads digits for look-alike letters in a label ("1D #", "Member 1D", "Insurance 10")', () => {
    expect(label('1D #')).toMatchObject({ slot: 'insurance.memberId', end: 2, fuzzy: true });
    expect(label('Member 1D')).toMatchObject({ phrase: 'member id', end: 2 });
    expect(label('Insurance 10')).toMatchObject({ phrase: 'insurance id', end: 2 });
  });

  it('reads a word with two slips when the rest of the label is exact ("Fist Name", "Insurance Carner", "Date of Binh")', () => {
    expect(label('Fist Name')).toMatchObject({ slot: 'patient.firstName', fuzzy: true });
    expect(label('Insurance Carner')).toMatchObject({ phrase: 'insurance carrier', slot: 'insurance.payer' });
    expect(label('Date of Binh')).toMatchObject({ slot: 'patient.dob', end: 3 });
    expect(label('Patient Full Nae')).toMatchObject({ phrase: 'patient full name' });
  });

  it('reads a four-letter first word whose first letter OCR misread when the rest is exact ("pate of Referral:")', () => {
    expect(label('pate of Referral: June 22, 2026')).toMatchObject({ phrase: 'date of referral', fuzzy: true, end: 3 });
    expect(label('Bate of Birth: 3/4/1950')).toMatchObject({ slot: 'patient.dob', fuzzy: true });
    expect(label('rate of return')).toBeNull();
  });

  it('joins a label word OCR split in two ("SUB SCRIBER ID", "POL ICY NUMBER")', () => {
    expect(label('SUB SCRIBER ID')).toMatchObject({ phrase: 'subscriber id', end: 3 });
    expect(label('POL ICY NUMBER:')).toMatchObject({ phrase: 'policy number', end: 3 });
  });

  it('keeps an exactly read label over a loose reading of another, and does not loosen lone words', () => {
    expect(label('Referred To')).toMatchObject({ phrase: 'referred to', slot: 'referredTo', fuzzy: false });
    expect(label('Last Visit')).toMatchObject({ phrase: 'last', end: 1 });
    expect(looseWordMatch('birth', 'girth')).toBe(false);
    expect(looseWordMatch('carrier', 'copay')).toBe(false);
    expect(looseWordMatch('birth', 'service')).toBe(false);
    expect(looseWordMatch('name', 'nme')).toBe(true);
    expect(label('Fist')).toBeNull();
  });

  it('treats a semicolon after a label as its colon ("Provider; Dr. ...")', () => {
    expect(matchLabelAt(words('Provider; Dr. Raj Iyer'), 0)?.colon).toBe(true);
  });
});

describe('member ids', () => {
  it('repairs an MBI whose 5, 0 and 1 OCR read as S, O and I, and leaves other ids alone', () => {
    expect(repairMbi('SRMOC38PQSS')).toEqual({ value: '5RM0C38PQ55', repairs: 4 });
    expect(repairMbi('1EG4TE5MK73')).toEqual({ value: '1EG4TE5MK73', repairs: 0 });
    expect(repairMbi('W7710352649')).toBeNull();
    expect(repairMbi('ABC12345678')).toBeNull();
  });

  it('reads a split member id as one: digit groups at a word space, a piece closer than one', () => {
    expect(value('insurance.memberId', words('W52 317 806 4'))).toEqual([['insurance.memberId', 'W523178064']]);
    expect(value('insurance.memberId', words('7H T4R61WJ29', { gaps: [1] }))).toEqual([['insurance.memberId', '7HT4R61WJ29']]);
    // A word at a normal space after an id is another thing ("Group" is a label anyway).
    expect(value('insurance.memberId', words('W123456789 AB12', { gaps: [4] }))).toEqual([['insurance.memberId', 'W123456789']]);
  });

  it('repairs look-alike letters inside the digit run of an id, not in its prefix or short ids', () => {
    expect(repairIdDigits('U46I437384')).toEqual({ value: 'U461437384', repairs: 1 });
    expect(repairIdDigits('MR-5330B6')).toEqual({ value: 'MR-533086', repairs: 1 });
    expect(repairIdDigits('ZGP12345678')).toEqual({ value: 'ZGP12345678', repairs: 0 });
    expect(repairIdDigits('GRP84O45')).toEqual({ value: 'GRP84O45', repairs: 0 });
    expect(readValue('insurance.memberId', words('XG0119983l0'), today)[0]).toMatchObject({ value: 'XG011998310', repairs: 1 });
    expect(readValue('patient.mrn', words('MR-5330B6'), today)[0]).toMatchObject({ value: 'MR-533086', repairs: 1 });
  });

  it('reads an MBI with look-alikes under a member label, with a repair counted', () => {
    const v = readValue('insurance.memberId', words('SRMOC38PQSS'), today)[0]!;
    expect(v.value).toBe('5RM0C38PQ55');
    expect(v.repairs).toBeGreaterThan(0);
  });

  it('generates valid MBIs for Medicare members', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 50; i++) expect(repairMbi(makeMbi(rng))?.repairs).toBe(0);
  });
});

describe('debris and split words around values', () => {
  it('drops a stray symbol or mark before a value, keeps checkbox glyphs', () => {
    expect(dropDebris(words('+ 618203957')).map((w) => w.text)).toEqual(['618203957']);
    expect(dropDebris(words('i UnitedHealthcare', { conf: [0.7, 0.9] })).map((w) => w.text)).toEqual(['UnitedHealthcare']);
    expect(dropDebris(words('o Neurology', { conf: [0.5, 0.9] })).map((w) => w.text)).toEqual(['o', 'Neurology']);
    expect(dropDebris(words('‘Varga Unit’')).map((w) => w.text)).toEqual(['Varga', 'Unit']);
  });

  it('drops words a fraction of a line tall (table rules read as text)', () => {
    expect(isDebrisWord({ text: 'oo', bbox: [10, 10, 20, 11], confidence: 0.5 }, 10)).toBe(true);
    expect(isDebrisWord({ text: 'Aetna', bbox: [10, 10, 40, 20], confidence: 0.5 }, 10)).toBe(false);
  });

  it('joins a proper name OCR split inside a word, not street types or linking words', () => {
    expect(joinSplitWords('Kaiser Perman ente')).toBe('Kaiser Permanente');
    expect(joinSplitWords('1356 Mea dow Dr')).toBe('1356 Meadow Dr');
    expect(joinSplitWords('9927 Larchmont dr')).toBe('9927 Larchmont dr');
    expect(joinSplitWords('Blue Cross Blue Shield of Texas')).toBe('Blue Cross Blue Shield of Texas');
  });

  it('repairs one OCR slip in a well-known payer, never a listed or unknown name', () => {
    expect(repairPayer('Cgna')).toBe('Cigna');
    expect(repairPayer('Mcdicare')).toBe('Medicare');
    expect(repairPayer('Blue Cross Blue Shield of Tcxas')).toBe('Blue Cross Blue Shield of Texas');
    expect(repairPayer('Medicaid')).toBeNull();
    expect(repairPayer('Acme Mutual Benefit Co-op')).toBeNull();
    expect(value('insurance.payer', words('Kaiser Perman ente'))).toEqual([['insurance.payer', 'Kaiser Permanente']]);
  });

  it('does not take a sentence or another label as the payer', () => {
    expect(value('insurance.payer', words('is WellCare'))).toEqual([]);
    expect(value('insurance.payer', words('Office hone'))).toEqual([]);
  });
});

describe('address lines on OCR pages', () => {
  it('takes the city line under the street though the gap exceeds the street\'s ink height', () => {
    // OCR boxes hug the ink: the street line is 7 pt tall, the next line 9 pt below it.
    const ocrLine = (y: number, x: number, text: string): LayoutPage['blocks'][number] => {
      let at = x;
      const ws = text.split(' ').map((t) => {
        const w = { text: t, bbox: [at, y, at + t.length * 5, y + 7] as BBox, confidence: 0.95 };
        at += t.length * 5 + 4;
        return w;
      });
      return { bbox: [x, y, x + 200, y + 7], lines: [{ text, bbox: [x, y, x + 200, y + 7], words: ws }] };
    };
    const base = piecesPage(1, [[50, 40, 'REFERRAL FORM', 13], [60, 60, 'Patient Name: Doe, Jane A.'], [60, 75, 'DOB: 03/14/1962']], { source: 'ocr', ocrConfidence: 0.95 });
    const page: LayoutPage = { ...base, blocks: [...base.blocks, ocrLine(100, 60, 'Address: 12 Elm St'), ocrLine(116, 105, 'Albany, NY 12248')] };
    const x = extractOffline(makeLayout([page], 'tiff'), { reviewThreshold: 0.95, today });
    expect(x.fields['patient.address.line1']?.value).toBe('12 Elm St');
    expect(x.fields['patient.address.city']?.value).toBe('Albany');
    expect(x.fields['patient.address.postalCode']?.value).toBe('12248');
  });
});

describe('sex', () => {
  it('reads no value from an option row without marks, and a doubled letter as the letter', () => {
    expect(value('patient.sex', words('M F'))).toEqual([]);
    expect(value('patient.sex', words('Male Female'))).toEqual([]);
    expect(value('patient.sex', words('FF'))).toEqual([['patient.sex', 'F']]);
    expect(value('patient.sex', words('F'))).toEqual([['patient.sex', 'F']]);
  });

  it('reads no value from a letter beside a box OCR ran into the other option ("M [X]F": the first box lost)', () => {
    expect(value('patient.sex', words('M [X]F'))).toEqual([]);
    expect(value('patient.sex', words('F ☐M'))).toEqual([]);
    expect(value('patient.sex', words('M, DOB 1/2/1960'))).toEqual([['patient.sex', 'M']]);
  });

  it('reads no value from both options behind boxes OCR read as a digit or a bar ("| 1 Male Female"), but an age before a sex', () => {
    expect(value('patient.sex', words('| 1 Male Female'))).toEqual([]);
    expect(value('patient.sex', words('1 M F'))).toEqual([]);
    expect(value('patient.sex', words('62 F'))).toEqual([['patient.sex', 'F']]);
  });

  it('reads boxes run into their letter and into the label ("Genderx]M [JF", "[IM XF")', () => {
    const pageOf = (text: string) => buildPages(makeLayout([pageWith([[60, 100, text]])], 'pdf'))[0]!;
    const sex = (text: string) => readChecklists(pageOf(text), false).find((c) => c.key === 'patient.sex')?.value;
    expect(sex('Genderx]M [JF')).toBe('M');
    expect(sex('Sex: [IM XF')).toBe('F');
    expect(sex('Sex: [IM [JF')).toBeUndefined();
  });
});

describe('sex boxes run into their letters, read twice', () => {
  const sexOf = (second: (t: string) => string) => {
    const page = piecesPage(1, [[60, 100, 'Sex: [IM [X]F']], { source: 'ocr', ocrConfidence: 0.9 });
    readTwice(page, second);
    return readChecklists(buildPages(makeLayout([page], 'tiff'))[0]!, false).find((c) => c.key === 'patient.sex');
  };

  it('splits the second reading of a glued box like the first, so its mark counts as read twice', () => {
    expect(sexOf((t) => t)).toMatchObject({ value: 'F', marks: 'agree' });
    // A second reading with no mark in the chosen box, or one that does not split the same way.
    expect(sexOf((t) => (t === '[X]F' ? '[IF' : t))).toMatchObject({ value: 'F', marks: 'differ' });
    expect(sexOf((t) => (t === '[X]F' ? '[J]F' : t))?.marks).toBeUndefined();
  });
});

describe('sex, read by OCR', () => {
  const pageOf = (text: string) => buildPages(makeLayout([pageWith([[60, 100, text]])], 'pdf'))[0]!;
  const sex = (text: string) => readChecklists(pageOf(text), false).find((c) => c.key === 'patient.sex')?.value;

  it('reads one box OCR read as two glyphs, and never a box glyph as an age', () => {
    expect(sex('Gender: [] [ ] M Bd F')).toBe('F');
    expect(sex('Sex: 0 o M [X] F')).toBe('F');
    expect(sex('Sex: O M BD F')).toBe('F');
    expect(value('patient.sex', words('0 o M [X] F'))).toEqual([]);
    expect(value('patient.sex', words('62 F'))).toEqual([['patient.sex', 'F']]);
  });

  it('reads a sex word with one OCR slip, not other words', () => {
    expect(value('patient.sex', words('Femole'))).toEqual([['patient.sex', 'F']]);
    expect(value('patient.sex', words('Malc'))).toEqual([['patient.sex', 'M']]);
    expect(value('patient.sex', words('Fever'))).toEqual([]);
  });

  it('reads sex from a letter whose noun or age unit OCR garbled', () => {
    const letter = (sentence: string) => fields(makeLayout([pageWith([
      [50, 40, 'Lakeside Family Practice', 14],
      [50, 100, 'Dear Colleague,'],
      [50, 124, 'I am referring Ms. Nadia Okonkwo, DOB 04/09/1971, for evaluation of chronic cough.'],
      [50, 138, sentence],
      [50, 170, 'Sincerely,'], [50, 200, 'Martin Hale, MD'],
    ])], 'pdf'))['patient.sex'];
    expect(letter('She is a 54-year-old femalc with a dry cough.')).toBe('F');
    expect(letter('She is a 54 ppardid woman with a dry cough.')).toBe('F');
    expect(letter('She is o 54 yeor old female with a dry cough.')).toBe('F');
    expect(letter('She is a 54-year-old womon with a dry cough.')).toBe('F');
  });
});

describe('addresses read by OCR', () => {
  it('repairs look-alikes in the state, the ZIP and a house number; a short ZIP+4 still gives the ZIP', () => {
    expect(value('cityStateZip', words('Denver, C0 80231'))).toEqual([
      ['patient.address.city', 'Denver'], ['patient.address.state', 'CO'], ['patient.address.postalCode', '80231'],
    ]);
    expect(value('cityStateZip', words('Des Moines, IA 5037S-3024'))).toContainEqual(['patient.address.postalCode', '50375']);
    expect(value('cityStateZip', words('Madison, WI 53735-526'))).toContainEqual(['patient.address.postalCode', '53735']);
    expect(value('patient.address.line1', words('50B8 Jefferson Blvd'))).toEqual([['patient.address.line1', '5088 Jefferson Blvd']]);
  });

  it('reads a state run into its ZIP, a street type run into its street, a Z read for a 2 in a phone', () => {
    expect(value('cityStateZip', words('Tampa, FL33698'))).toContainEqual(['patient.address.postalCode', '33698']);
    expect(value('patient.address.line1', words('3942 WillowPkwy Tampa, FL 33675'))).toEqual([
      ['patient.address.line1', '3942 Willow Pkwy'], ['patient.address.city', 'Tampa'], ['patient.address.state', 'FL'], ['patient.address.postalCode', '33675'],
    ]);
    expect(value('patient.address.line1', words('2772 Forest St'))).toEqual([['patient.address.line1', '2772 Forest St']]);
    expect(value('patient.phone', words('303.81Z.7175'))).toEqual([['patient.phone', '3038127175']]);
  });

  it('reads a slashed label with a slip and a label after a speck ("City/Stte/ZIP", "~ City/State/ZIP")', () => {
    expect(label('City/Stte/ZIP')).toMatchObject({ slot: 'cityStateZip', fuzzy: true });
    const layout = makeLayout([pageWith([
      [50, 40, 'REFERRAL FORM', 13],
      [45, 70, 'Patient Information', 11],
      [45, 88, 'Patient Name: Okafor, Grace'],
      [45, 102, 'Address: 8958 Hillcrest Way'],
      [30, 116, '~ City/State/ZIP Austin, TX 78740'],
    ])], 'pdf');
    expect(fields(layout)).toMatchObject({ 'patient.address.city': 'Austin', 'patient.address.postalCode': '78740' });
  });

  it('checks the state against the ZIP prefix, and takes an unreadable state from the ZIP with doubt', () => {
    expect(stateForZip('78748')).toBe('TX');
    expect(stateForZip('05405')).toBe('VT');
    expect(stateForZip('97233')).toBe('OR');
    expect(stateForZip('00000')).toBeNull();
    const grid = (st: string, zip: string) => cityStateZipRow('State', st, zip);
    const unreadable = grid('>', '78748');
    expect(unreadable['patient.address.state']?.value).toBe('TX');
    expect(unreadable['patient.address.state']!.confidence).toBeLessThan(0.95);
    const clash = grid('OR', '78748');
    const agree = grid('TX', '78748');
    expect(clash['patient.address.state']!.confidence).toBeLessThan(agree['patient.address.state']!.confidence);
  });

  it('reads the state written between city and ZIP under a State caption OCR garbled ("st")', () => {
    const grid = (st: string, zip: string) => cityStateZipRow('st', st, zip);
    const agree = grid('TX', '78748')['patient.address.state']!;
    expect(agree.value).toBe('TX');
    expect(agree.bbox[0]).toBeGreaterThanOrEqual(279);
    const clash = grid('OK', '78748')['patient.address.state']!;
    expect(clash.value).toBe('OK');
    expect(clash.confidence).toBeLessThan(0.95);
    expect(clash.confidence).toBeLessThan(agree.confidence);
  });

  it('leaves out a city OCR garbled but keeps state and ZIP', () => {
    expect(value('cityStateZip', words('prenEenIwIL TX 78626'))).toEqual([
      ['patient.address.state', 'TX'], ['patient.address.postalCode', '78626'],
    ]);
  });

  it('reads the ZIP beside the state in a City | ST | ZIP row whose ZIP caption OCR mangled', () => {
    const grid = (zipCaption: string, zipValue: string) => fields(makeLayout([pageWith([
      [50, 40, 'REFERRAL FORM', 13],
      [50, 70, 'PATIENT INFORMATION', 11],
      [50, 90, 'Name', 8], [50, 102, 'Delgado, Ruben'],
      [50, 125, 'Address', 8], [50, 137, '6147 Juniper Rd'],
      [50, 160, 'City', 8], [280, 160, 'State', 8], [360, 160, zipCaption, 8],
      [50, 172, 'Round Rock'], [280, 172, 'TX'], [360, 172, zipValue],
    ])], 'pdf'));
    expect(grid('FI', '78665')).toMatchObject({ 'patient.address.state': 'TX', 'patient.address.postalCode': '78665' });
    expect(grid('iP', '78757-1057')['patient.address.postalCode']).toBe('78757');
    expect(grid('Phone', '(512) 555-0147')['patient.address.postalCode']).toBeUndefined();
  });

  it('reads a two-line address written over its caption', () => {
    const layout = makeLayout([pageWith([
      [50, 40, 'Referral Request', 13],
      [40, 80, 'PATIENT INFORMATION', 11],
      [40, 100, 'Ibarra, Celeste'], [225, 100, '09/15/1981'],
      [40, 113, 'Patient', 7], [225, 113, 'DOB', 7],
      [40, 130, '7942 Lakeview Dr'],
      [40, 142, 'Fort Worth, TX 76120'],
      [40, 155, 'Address', 7],
    ])], 'pdf');
    expect(fields(layout)).toMatchObject({
      'patient.address.line1': '7942 Lakeview Dr', 'patient.address.city': 'Fort Worth', 'patient.address.postalCode': '76120',
    });
  });
});

describe('names', () => {
  it('skips an initial OCR could not read and keeps the name', () => {
    expect(value('patientName', words('Rosalind ). Quarrington'))).toEqual([['patient.firstName', 'Rosalind'], ['patient.lastName', 'Quarrington']]);
  });

  it('drops a middle name read with very low OCR confidence, keeps an initial', () => {
    expect(value('patientName', words('Whitcombe, Marguerite Cee', { conf: [0.9, 0.95, 0.11] }))).toEqual([
      ['patient.firstName', 'Marguerite'], ['patient.lastName', 'Whitcombe'],
    ]);
    expect(value('patientName', words('Whitcombe, Marguerite K', { conf: [0.9, 0.95, 0.3] }))).toContainEqual(['patient.middleName', 'K']);
  });

  it('doubts the name when it drops a middle name OCR was unsure of ("James VW. Ng": a garbled "W."), not when the middle is sure', () => {
    const garbled = readValue('patientName', words('James VW. Ng', { conf: [0.95, 0.25, 0.96] }), today);
    expect(garbled.map((v) => [v.key, v.value])).toEqual([['patient.firstName', 'James'], ['patient.lastName', 'Ng']]);
    for (const v of garbled) expect(v).toMatchObject({ repairs: 1, doubt: 0.25 });
    const plain = readValue('patientName', words('James W. Ng', { conf: [0.95, 0.93, 0.96] }), today);
    expect(plain.map((v) => [v.key, v.value])).toContainEqual(['patient.middleName', 'W']);
    for (const v of plain) expect(v).toMatchObject({ repairs: 0, doubt: 0 });
  });

  it('does not read the next column caption as a name ("Fist Name"), nor a label with a colon', () => {
    expect(value('patient.lastName', words('Fist Name'))).toEqual([]);
    expect(value('patientName', words('Physician: Dr. Zoe Allen'))).toEqual([]);
  });
});

/** A patient block whose City | State | ZIP row has captions over its values; `stateCaption` as OCR read it. */
function cityStateZipRow(stateCaption: string, st: string, zip: string) {
  return extractOffline(makeLayout([pageWith([
    [50, 40, 'REFERRAL FORM', 13],
    [45, 70, 'PATIENT INFORMATION', 11],
    [45, 88, 'Patient Name: Lindqvist, Hanna'],
    [45, 102, 'Address: 4418 Oak Dr'],
    [45, 120, 'City', 8], [280, 120, stateCaption, 8], [360, 120, 'ZIP', 8],
    [45, 132, 'Austin'], [280, 132, st], [360, 132, zip],
  ])], 'pdf'), { reviewThreshold: 0.95, today }).fields;
}

function pageWith(pieces: Piece[], width = 612, height = 792, source: LayoutPage['source'] = 'text'): LayoutPage {
  return piecesPage(1, pieces, { width, height, source });
}

function fields(layout: DocumentLayout): Record<string, unknown> {
  const r = extractOffline(layout, { reviewThreshold: 0.95, today });
  return Object.fromEntries(Object.entries(r.fields).map(([k, f]) => [k, f!.value]));
}

describe('forms on unseen layouts', () => {
  it('reads a grid of captions with values under them, captions mangled by OCR', () => {
    const layout = makeLayout([pageWith([
      [50, 40, 'OUTPATIENT REFERRAL FORM', 13],
      [50, 80, 'PATIENT INFORMATION', 11],
      [50, 100, 'Last Name', 8], [250, 100, 'Fist Name', 8], [450, 100, 'Gender', 8],
      [50, 112, 'Quintero'], [250, 112, 'Marisol'], [450, 112, 'F'],
      [50, 140, 'INSURANCE', 11],
      [50, 160, 'Insurance Carner', 8], [250, 160, 'Insurance 1D', 8],
      [50, 172, 'Cigna'], [250, 172, 'U48213377'],
    ])], 'pdf');
    expect(fields(layout)).toMatchObject({
      'patient.lastName': 'Quintero', 'patient.firstName': 'Marisol', 'patient.sex': 'F',
      'insurance.payer': 'Cigna', 'insurance.memberId': 'U48213377',
    });
  });

  it('resolves sections on a photo-scale page whose heading starts a little right of its labels', () => {
    const layout = makeLayout([pageWith([
      [240, 100, 'SPECIALTY REFERRAL FORM', 26],
      [236, 220, 'Patient Information', 22],
      [222, 260, 'Name: Ortega, Lucia', 20],
      [222, 300, 'Street Address: 4410 Juniper Ln, Austin, TX 78745', 20],
      [232, 360, 'Referred To: Cardiology', 20],
    ], 1505, 1914)], 'jpeg');
    expect(fields(layout)).toMatchObject({
      'patient.firstName': 'Lucia', 'patient.address.line1': '4410 Juniper Ln', 'patient.address.city': 'Austin',
      'patient.address.postalCode': '78745',
    });
  });

  it('reads a birth date beside the name when its label is unreadable, with less confidence', () => {
    const layout = (dobLabel: string) => makeLayout([pageWith([
      [50, 40, 'REFERRAL REQUEST', 13],
      [40, 90, 'Patient', 11],
      [40, 107, 'Name'], [145, 107, 'Angela Mae Watts'], [305, 107, dobLabel], [411, 107, '10/11/1964'],
      [40, 130, 'Referral Date'], [145, 130, '22-Mar-2024'],
    ])], 'pdf');
    const r = extractOffline(layout('bos'), { reviewThreshold: 0.95, today });
    expect(r.fields['patient.dob']?.value).toBe('1964-10-11');
    expect(r.fields['patient.dob']!.confidence).toBeLessThan(0.95);
    expect(extractOffline(layout('DOB'), { reviewThreshold: 0.95, today }).fields['patient.dob']!.confidence).toBeGreaterThan(r.fields['patient.dob']!.confidence);
  });

  it('reads a plan label without a colon before a capitalised name ("Payer Medicaid")', () => {
    const layout = makeLayout([pageWith([
      [50, 40, 'REFERRAL FORM', 13],
      [50, 70, 'Patient Name: Rivera, Tomas'],
      [50, 85, 'DOB: 02/11/1970'],
      [50, 110, 'Insurance Information', 11],
      [50, 128, 'Payer Medicaid'],
      [50, 143, 'Member #: XG011998310'],
    ])], 'pdf');
    expect(fields(layout)).toMatchObject({ 'insurance.payer': 'Medicaid', 'insurance.memberId': 'XG011998310' });
  });
});

describe('more OCR slips', () => {
  it('restores a capitalised name with one letter in the wrong case, leaves real inner capitals', () => {
    expect(value('patientName', words('Zoe Betty WhitE'))).toEqual([
      ['patient.firstName', 'Zoe'], ['patient.lastName', 'White'], ['patient.middleName', 'Betty'],
    ]);
    expect(value('patient.lastName', words('AlleN'))).toEqual([['patient.lastName', 'Allen']]);
    expect(value('patientName', words('Aiden McAllister'))).toContainEqual(['patient.lastName', 'McAllister']);
    expect(value('patientName', words('DeShawn Pruitt'))).toContainEqual(['patient.firstName', 'DeShawn']);
  });

  it("gives a listed payer its own casing when one letter's case slipped, keeps capitals as written", () => {
    expect(repairPayer('OScar Health')).toBe('Oscar Health');
    expect(repairPayer('OSCAR HEALTH')).toBeNull();
  });

  it('reads "Chan#" as the chart-number label, and a label run into its number ("Number3930056")', () => {
    expect(label('Chan#')).toMatchObject({ slot: 'patient.mrn', fuzzy: true });
    expect(label('Grp#')).toMatchObject({ phrase: 'grp #', fuzzy: false });
    const page = buildPages(makeLayout([pageWith([[60, 100, 'Group Number3930056'], [60, 120, 'Group: GRP84045']])], 'pdf'))[0]!;
    expect(page.segments.map((s) => s.text)).toEqual(['Group Number 3930056', 'Group: GRP84045']);
  });

  it('reads an id that ends a sentence ("member ID U951 418 235.", "(subscriber ID U951 418 235).")', () => {
    expect(value('insurance.memberId', words('U951 418 235. Please'))).toEqual([['insurance.memberId', 'U951418235']]);
    expect(value('insurance.memberId', words('U951 418 235). Please'))).toEqual([['insurance.memberId', 'U951418235']]);
  });

  it('reads the value under a caption when the line above the caption is the previous row', () => {
    const layout = makeLayout([pageWith([
      [50, 40, 'Referral Request', 13],
      [40, 80, 'PATIENT INFORMATION', 11],
      [40, 98, 'PT NAME', 7], [225, 98, 'DATE OF BIRTH', 7],
      [40, 109, 'Hollis, Irene'], [225, 109, '1961-03-02'],
      [40, 128, 'PATIENT PHONE', 7], [225, 128, 'HOME ADDRESS', 7], [410, 128, 'CITY, STATE, ZIP', 7],
      [40, 139, '(614) 482-5361'], [225, 139, '7310 Cedar Way'], [410, 139, 'Madison, WI 53737'],
    ])], 'pdf');
    expect(fields(layout)).toMatchObject({ 'patient.address.line1': '7310 Cedar Way', 'patient.address.city': 'Madison' });
    expect(fields(layout)['referral.date']).toBeUndefined();
  });
});

describe('stamps in the margin', () => {
  const cand = (value: string, margin: boolean, ocr: number): Candidate => ({
    key: 'patient.firstName', value, page: 1, bbox: [0, margin ? 760 : 100, 50, margin ? 770 : 110] as BBox, method: 'label', ocr,
    below: false, fuzzyLabel: false, repairs: 0, doubt: 0, offPage: false, margin,
  });

  it('lets the form body win over a disagreeing stamp, even a cleaner read one', () => {
    expect(combine('patient.firstName', [cand('BAR', true, 0.95), cand('BARBARA', false, 0.9)])?.candidate.value).toBe('BARBARA');
  });
});

describe('generator', () => {
  it('writes sex as glued boxes or as an unmarked option row (then the truth has no sex)', () => {
    const texts = new Set<string>();
    let unmarkedWithoutTruth = 0;
    for (let seed = 1; seed < 1500; seed++) {
      const d = generateDoc(seed, today, { family: 'form', quality: 'digital', other: null });
      const line = d.layout.pages.flatMap((p) => p.blocks.flatMap((b) => b.lines)).map((l) => l.text).find((t) => /^(Sex|Gender|Legal Sex|Sex at Birth)\b/.test(t));
      if (!line) continue;
      if (/[☒☐\]][MF]\b|\b[X][MF]\b/.test(line)) texts.add('glued');
      if (/\bM\s+F\b|Male\s+Female/.test(line) && !/[☒☐[\]]/.test(line)) {
        texts.add('unmarked');
        if (d.fields['patient.sex'] === undefined) unmarkedWithoutTruth++;
      }
    }
    expect(texts.has('glued')).toBe(true);
    expect(texts.has('unmarked')).toBe(true);
    expect(unmarkedWithoutTruth).toBeGreaterThan(0);
  });
});

describe('street types', () => {
  it('doubts a street whose last word is one letter off a street type ("Park Til"), not a real type or a name', () => {
    expect(streetTypeDoubt('2132 Park Til')).toBeGreaterThanOrEqual(0.25);
    expect(streetTypeDoubt('10 Pine Lm, Apt 4')).toBeGreaterThanOrEqual(0.25);
    for (const ok of ['2132 Park Trl', '77 Oak St', '10 Pine Ln, Apt 4', '400 Broadway', '12 Elm', '12 Via Roma']) expect(streetTypeDoubt(ok)).toBe(0);
  });

  it('reads OCR\'s capital I after a word\'s capital as an l ("EIm", "BIvd"), counted as a repair', () => {
    const read = (text: string) => readValue('patient.address.line1', text.split(' ').map((t, i) => ({ text: t, norm: t.toLowerCase(), bbox: [i * 30, 0, i * 30 + 25, 10], confidence: 0.95 })), new Date('2025-11-15T00:00:00Z'))[0]!;
    expect(read('9948 EIm Trl')).toMatchObject({ value: '9948 Elm Trl', repairs: 1 });
    expect(read('12 Oak BIvd')).toMatchObject({ value: '12 Oak Blvd', repairs: 1 });
    expect(read('400 McIntyre Rd')).toMatchObject({ value: '400 McIntyre Rd', repairs: 0 });
    expect(read('77 I St')).toMatchObject({ value: '77 I St', repairs: 0 });
  });

  it('keeps such a street under the review gate on a scan, even read twice alike', () => {
    const page = piecesPage(1, [[50, 40, 'REFERRAL FORM', 13], [60, 60, 'Patient Name: Doe, Jane A.'], [60, 75, 'DOB: 03/14/1962'],
      [60, 90, 'Address: 2132 Park Til, Boise, ID 83708'], [60, 110, 'Referring Provider: Dr. Sarah Montoya'], [60, 125, 'Reason for Referral: Rash']], { source: 'ocr', ocrConfidence: 0.96 });
    readTwice(page);
    const got = extractOffline(makeLayout([page], 'tiff'), { reviewThreshold: 0.95, today: new Date('2025-11-15T00:00:00Z') });
    expect(got.fields['patient.address.line1']?.value).toBe('2132 Park Til');
    expect(got.fields['patient.address.line1']!.confidence).toBeLessThan(0.95);
  });
});

describe('names OCR mended', () => {
  const parts = (text: string) => Object.fromEntries(readValue('patientName', words(text), today).map((v) => [v.key, { value: v.value, doubt: v.doubt, repairs: v.repairs }]));

  it('reads a lone 0 after the given name as the initial O, as a doubtful reading', () => {
    const got = parts('Dubois, Paul 0');
    expect(got['patient.middleName']).toEqual({ value: 'O', doubt: 0.25, repairs: 1 });
    expect(got['patient.firstName']).toEqual({ value: 'Paul', doubt: 0, repairs: 0 });
  });

  it('doubts a name that runs on into a part OCR made of speckle ("Osei, Kwame \\l."), not one that ends at a date', () => {
    const got = parts('Osei, Kwame \\l.');
    expect(got['patient.firstName']).toMatchObject({ value: 'Kwame', doubt: 0.25 });
    expect(got['patient.lastName']).toMatchObject({ value: 'Osei', doubt: 0.25 });
    expect(parts('Osei, Kwame |).')['patient.firstName']).toMatchObject({ doubt: 0.25 });
    expect(parts('Osei, Kwame 04/12/1970')['patient.firstName']).toEqual({ value: 'Kwame', doubt: 0, repairs: 0 });
    expect(parts('Osei, Kwame (DOB')['patient.firstName']).toEqual({ value: 'Kwame', doubt: 0, repairs: 0 });
  });

  it('doubts a name whose initial OCR could not read, left out between its words ("Rosalind ). Quarrington", "Steven | Ng")', () => {
    expect(parts('Rosalind ). Quarrington')['patient.firstName']).toMatchObject({ value: 'Rosalind', doubt: 0.25 });
    const first = (conf: number) => offlineChosen(makeLayout([piecesPage(1, [[50, 40, 'PATIENT REFERRAL', 13], [60, 70, 'Patient Name: Kwabena | Osei DOB: 06/09/1965'],
      [60, 100, 'Referring Provider: Dr. Nguyen Adams'], [60, 115, 'Reason for Referral: Generalized anxiety disorder']], { source: 'ocr', ocrConfidence: conf })], 'tiff'), today).chosen['patient.firstName']?.candidate;
    expect(first(0.6)).toMatchObject({ value: 'Kwabena', doubt: 0.25 });
    // A rule OCR was sure of is a column's: no letter lost.
    expect(first(0.95)).toMatchObject({ value: 'Kwabena', doubt: 0 });
  });

  it('doubts a given name whose last letter OCR read as a capital ("SofiaG": "Sofiag" or "Sofia G.")', () => {
    expect(parts('Williams, SofiaG')['patient.firstName']).toMatchObject({ doubt: 0.25, repairs: 1 });
    expect(parts('Williams, Sofia G')['patient.firstName']).toEqual({ value: 'Sofia', doubt: 0, repairs: 0 });
  });

  it('holds a scanned referral whose patient another page names otherwise', () => {
    const referral = piecesPage(1, [[50, 40, 'PATIENT REFERRAL', 13], [60, 70, 'Patient: Timothy Wel Hill'], [60, 85, 'DOB: 6/17/44'],
      [60, 100, 'Referring Provider: Dr. Nguyen Adams'], [60, 115, 'Reason for Referral: Generalized anxiety disorder']], { source: 'ocr', ocrConfidence: 0.96 });
    const note = piecesPage(2, [[50, 40, 'Office Visit Note', 13], [60, 70, 'Patient: Timothy Wei Hill DOB: 6/17/44'], [60, 85, 'Assessment: Generalized anxiety disorder.']], { source: 'ocr', ocrConfidence: 0.96 });
    readTwice([referral, note]);
    const got = extractOffline(makeLayout([referral, note], 'tiff'), { reviewThreshold: 0.95, today });
    expect(got.fields['patient.middleName']?.value).toBe('Wel');
    expect(got.fields['patient.middleName']!.confidence).toBeLessThan(0.95);
    expect(got.fields['patient.firstName']!.confidence).toBeGreaterThanOrEqual(0.95);
    expect(got.needsReview).toBe(true);
  });
});

describe('same-shape letters in proper names', () => {
  it('capitalises a word OCR read with a small c, o, s, v, w, x or z among capitalised words', () => {
    expect(capitaliseCaseSlips('valley Medical Associates')).toBe('Valley Medical Associates');
    expect(capitaliseCaseSlips('7475 willow Ave')).toBe('7475 Willow Ave');
    // Joining words, other small letters and names written all small are left as written.
    expect(capitaliseCaseSlips('Clinic of the Ozarks')).toBe('Clinic of the Ozarks');
    expect(capitaliseCaseSlips('Bayside internal Medicine')).toBe('Bayside internal Medicine');
    expect(capitaliseCaseSlips('valley clinic')).toBe('valley clinic');
    const street = readValue('patient.address.line1', words('7475 willow Ave'), today)[0]!;
    expect(street).toMatchObject({ value: '7475 Willow Ave', repairs: 0 });
  });

  it('capitalises an OCR\'d city and a signature\'s name so, not a text layer\'s; drops a full stop of speck after the city', () => {
    const pieces: Piece[] = [[50, 40, 'PATIENT REFERRAL', 13], [60, 70, 'Patient Name: Okafor, Nnamdi'], [60, 85, 'DOB: 06/09/1965'],
      [60, 100, 'Address: 12 Elm St'], [60, 115, 'Fort worth, TX 76109'], [60, 130, 'Reason for Referral: Generalized anxiety disorder'],
      [60, 170, 'Sincerely,'], [60, 200, 'Deborah white, FNP-C']];
    const fieldsOf = (source: 'ocr' | 'text') => extractOffline(makeLayout([piecesPage(1, pieces, { source, ocrConfidence: 0.96 })], source === 'ocr' ? 'tiff' : 'pdf'), { reviewThreshold: 0.95, today }).fields;
    expect(fieldsOf('ocr')['patient.address.city']?.value).toBe('Fort Worth');
    expect(fieldsOf('ocr')['referringProvider.name']?.value).toBe('Deborah White');
    expect(fieldsOf('text')['patient.address.city']?.value).toBe('Fort worth');
    expect(readValue('cityStateZip', words('Portland., OR 97201'), today)[0]).toMatchObject({ value: 'Portland' });
  });
});

describe('captions and run-on lines read as values', () => {
  it('reads no payer, practice or reason from the next caption ("SUBSCRIBER", "NP( NUMBER", "ICD-108 CODES")', () => {
    expect(readValue('insurance.payer', words('SUBSCRIBER'), today)).toEqual([]);
    expect(readValue('referringProvider.practice', words('NP( NUMBER'), today)).toEqual([]);
    expect(readValue('referral.reason', words('ICD-108 CODES'), today)).toEqual([]);
    expect(readValue('referral.reason', words('Symptomatic gallstones'), today)[0]?.value).toBe('Symptomatic gallstones');
  });

  it('doubts a street line that runs on to a ZIP (the split lost to a garbled "Dr" or state)', () => {
    expect(readValue('patient.address.line1', words('5520 Jefferson Or Salt Lake City, UT 84169'), today)[0]!.doubt).toBeGreaterThanOrEqual(0.25);
    expect(readValue('patient.address.line1', words('5520 Jefferson Dr'), today)[0]!.doubt).toBe(0);
  });
});

describe('a given name OCR read with a small first letter', () => {
  it('capitalises a same-shape small letter after the family name ("Schmidt, carol M."), not counted as mended', () => {
    const got = Object.fromEntries(readValue('patientName', words('Schmidt, carol M.'), today).map((v) => [v.key, v]));
    expect(got['patient.firstName']).toMatchObject({ value: 'Carol', doubt: 0, repairs: 0 });
    expect(got['patient.lastName']?.value).toBe('Schmidt');
  });
});

describe('a stop word behind a speck', () => {
  it('ends a name at "DOB\'" (a quote OCR made of speckle), not taking it as a middle name', () => {
    const got = Object.fromEntries(readValue('patientName', words("Perez, Amanda DOB' May 5, 1954"), today).map((v) => [v.key, v.value]));
    expect(got).toEqual({ 'patient.firstName': 'Amanda', 'patient.lastName': 'Perez' });
  });
});

describe('a colon only the second reading saw', () => {
  it('reads a mid-line label whose colon OCR read as a stop, when the second reading saw the colon ("Insurance Company. WellCare")', () => {
    const pieces: Piece[] = [
      [43, 44, 'Outgoing Referral', 11],
      [43, 83, 'Pt: Martinez, Donald'], [43, 96, 'DOB: 01/13/1978'],
      [43, 134, 'MR #: 16328177 Insurance Company. WellCare'],
      [43, 160, 'Referring Physician: Paul Thompson'],
      [43, 225, 'Chief Complaint: Plantar fasciitis, left heel pain'],
    ];
    const payer = (second: (t: string) => string) => {
      const layout = makeLayout([piecesPage(1, pieces, { source: 'ocr', ocrConfidence: 0.95 })], 'tiff');
      readTwice(layout.pages, second);
      return extractOffline(layout, { reviewThreshold: 0.95, today }).fields['insurance.payer']?.value;
    };
    expect(payer((t) => (t === 'Company.' ? 'Company:' : t))).toBe('WellCare');
    expect(payer((t) => t)).toBeUndefined();
  });
});

/**
 * Checkbox lists read from the text layer and from OCR glyphs: the one checked
 * option is taken, an unchecked option's label never is, and a list whose boxes
 * cannot all be classified is not guessed. Also prose contact details and
 * priority in letters, reasons that stop before a code or date column, short
 * family names, and values under captions whose neighbour caption is unreadable.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentLayout, LayoutPage } from '../layout.ts';
import { boxState } from './checklist.ts';
import { extractOffline, offlineChosen } from './index.ts';
import { makeLayout, piecesPage, readTwice, type Piece } from './synth/builder.ts';
import { generateCorpus } from './synth/generate.ts';

const today = new Date('2025-11-15T00:00:00Z');
function layout(pieces: Piece[], source: LayoutPage['source'] = 'text'): DocumentLayout {
  return makeLayout([piecesPage(1, pieces, { source, ocrConfidence: 0.93 })], source === 'ocr' ? 'tiff' : 'pdf');
}

function run(pieces: Piece[], source: LayoutPage['source'] = 'text') {
  return extractOffline(layout(pieces, source), { reviewThreshold: 0.95, today });
}

const HEAD: Piece[] = [
  [50, 40, 'REFERRAL FORM', 13],
  [60, 80, 'Patient Name: Doe, Jane A.'],
  [60, 95, 'DOB: 03/14/1962'],
  [60, 110, 'Referring Provider: Dr. Sarah Montoya, MD'],
  [60, 125, 'Reason for Referral: Rash on both arms'],
];

function column(label: string, rows: string[]): Piece[] {
  return [[60, 150, label], ...rows.map((r, i): Piece => [60, 165 + i * 15, r])];
}

describe('box glyphs', () => {
  it.each(['[X]', '[x]', 'IX]', '[X', '☒', '☑', '@', '®', 'M', '(X)', '✓'])('%s reads as checked', (t) => expect(boxState(t)).toBe('on'));
  it.each(['[ ]', '[]', '[J', '[J]', 'CJ', '☐', '□', 'O', '[0', '( )'])('%s reads as empty', (t) => expect(boxState(t)).toBe('off'));
  it.each(['Cardiology', 'XR', '12', 'Mr'])('%s is not a box', (t) => expect(boxState(t)).toBeNull());
});

describe('specialty checklists', () => {
  it('takes the checked specialty, not the first option (text layer)', () => {
    const x = run([...HEAD, ...column('Referral To:', ['☐ Orthopedics', '☒ Dermatology', '☐ Cardiology', '☐ Neurology'])]);
    expect(x.fields['referral.specialty']?.value).toBe('Dermatology');
    expect(x.fields['referral.specialty']!.confidence).toBeGreaterThanOrEqual(0.85);
  });

  it('reads OCR glyphs for boxes and keeps the result below the gate', () => {
    const x = run([...HEAD, ...column('Referral To:', ['[J Orthopedics', '[X] Cardiology', '[J Dermatology', 'CJ Neurology'])], 'ocr');
    expect(x.fields['referral.specialty']?.value).toBe('Cardiology');
    expect(x.fields['referral.specialty']!.confidence).toBeLessThan(0.95);
  });

  it('a scanned checklist is confirmed only when the second reading shows the same marks in every box', () => {
    const scan = (rereadOf: (box: string, i: number) => string) => {
      const l = layout([...HEAD, ...column('Referral To:', ['☐ Orthopedics', '☒ Cardiology', '☐ Dermatology', '☐ Neurology'])], 'ocr');
      let i = 0;
      readTwice(l.pages, (t) => (t === '☒' || t === '☐' ? rereadOf(t, i++) : t));
      return offlineChosen(l, today).chosen['referral.specialty']!;
    };
    const agreed = scan((box) => (box === '☒' ? '[X]' : '[J'));
    expect(agreed.candidate.value).toBe('Cardiology');
    expect(agreed.reread).toBe('agree');
    // The second reading sees a mark in another box too: not confirmed.
    expect(scan((box, i) => (box === '☒' || i === 0 ? '[x]' : '[]')).reread).toBe('differ');
    // ... or no mark in the chosen one.
    expect(scan(() => '[]').reread).toBe('differ');
  });

  it('judges an empty box OCR split in two ("[" "]") by what the second reading saw in both halves', () => {
    const scan = (halves: [string, string]) => {
      const l = layout([...HEAD, ...column('Referral To:', ['[ ] Orthopedics', '[X] Cardiology', '[ ] Dermatology'])], 'ocr');
      for (const b of l.pages[0]!.blocks) for (const line of b.lines) for (const w of line.words) {
        w.reread = w.text === '[' ? halves[0] : w.text === ']' ? halves[1] : w.text;
      }
      return offlineChosen(l, today).chosen['referral.specialty']!;
    };
    const agreed = scan(['[', 'J']);
    expect(agreed.candidate.value).toBe('Cardiology');
    expect(agreed.reread).toBe('agree');
    // A mark the second reading saw in an empty box's half: not confirmed.
    expect(scan(['[x', ']']).reread).toBe('differ');
  });

  it('takes a mark the second reading glued to the option\'s word ("XCardiology") as the box\'s, but not a different word', () => {
    const scan = (chosenBox: string, option: string) => {
      const l = layout([...HEAD, ...column('Referral To:', ['☐ Orthopedics', '☒ Cardiology', '☐ Dermatology'])], 'ocr');
      for (const b of l.pages[0]!.blocks) for (const line of b.lines) for (const w of line.words) {
        w.reread = w.text === '☒' ? chosenBox : w.text === '☐' ? '[J' : w.text === 'Cardiology' ? option : w.text;
      }
      return offlineChosen(l, today).chosen['referral.specialty']!.reread;
    };
    expect(scan('', 'XCardiology')).toBe('agree');
    expect(scan('[X]', 'Cardiolagy')).toBe('differ');
    expect(scan('', 'Cardiology')).toBe('differ');
  });

  it('reads a row of boxes as well as a column', () => {
    const x = run([...HEAD, [60, 150, 'Service Requested: [ ] Podiatry, [X] Gastroenterology, [ ] Dermatology']]);
    expect(x.fields['referral.specialty']?.value).toBe('Gastroenterology');
  });

  it('takes nothing at high confidence when two boxes look checked', () => {
    const x = run([...HEAD, ...column('Referral To:', ['[X] Orthopedics', '[X] Dermatology', '[ ] Cardiology'])]);
    const s = x.fields['referral.specialty'];
    if (s) expect(s.confidence).toBeLessThan(0.95);
  });

  it('writes a lower-case OCR reading of a printed option in the list spelling', () => {
    const x = run([...HEAD, ...column('Referral To:', ['[ ] Orthopedics', '[x] cardiology', '[ ] Dermatology'])], 'ocr');
    expect(x.fields['referral.specialty']?.value).toBe('Cardiology');
  });
});

describe('urgency checklists in a column', () => {
  it('takes the checked priority', () => {
    const x = run([...HEAD, ...column('Priority:', ['[ ] Routine', '[X] Urgent', '[ ] STAT'])]);
    expect(x.fields['referral.urgency']?.value).toBe('urgent');
  });

  it('splits box glyphs OCR ran into the option ("[JRoutine XUrgent CISTAT") and keeps it below the gate', () => {
    const x = run([...HEAD, [60, 150, 'Referral Priority: [JRoutine XUrgent CISTAT']], 'ocr');
    expect(x.fields['referral.urgency']?.value).toBe('urgent');
    expect(x.fields['referral.urgency']!.confidence).toBeLessThan(0.95);
    const y = run([...HEAD, [60, 150, 'Priority: (Routine OUrgent IX]STAT']], 'ocr');
    expect(y.fields['referral.urgency']?.value).toBe('stat');
  });

  it('reads both sex boxes run into one token ("[X]M[]F", "[MXF")', () => {
    expect(run([...HEAD, [60, 150, 'Sex: [X]M[]F']], 'ocr').fields['patient.sex']?.value).toBe('M');
    expect(run([...HEAD, [60, 150, 'Legal Sex [MXF']], 'ocr').fields['patient.sex']?.value).toBe('F');
  });

  it('reads an M OCR read small after its box ("Om [X]F"), but not the word "of"', () => {
    expect(run([...HEAD, [60, 150, 'Gender: Om [X]F']], 'ocr').fields['patient.sex']?.value).toBe('F');
    expect(run([...HEAD, [60, 150, 'Gender: [X]m OF']], 'ocr').fields['patient.sex']?.value).toBe('M');
    expect(run([...HEAD, [60, 150, 'Gender: of [X]F']], 'ocr').fields['patient.sex']).toBeUndefined();
  });

  it('never cuts an ordinary word that starts like a box ("Clinic", "Ortho", "Overdue")', () => {
    const x = run([...HEAD, [60, 150, 'Clinic notes: Overdue Xrays, Ortho consult'], [60, 165, 'Priority: Routine']], 'text');
    expect(x.fields['referral.urgency']?.value).toBe('routine');
    expect(x.fields['referral.specialty']).toBeUndefined();
  });
});

describe('letters that say it in a sentence', () => {
  const LETTER: Piece[] = [
    [50, 40, 'Riverside Medical Associates', 14],
    [50, 100, 'Dear Colleague,'],
    [50, 124, 'I am referring Mr. John Smith, DOB 04/02/1971, for evaluation of right ankle instability.'],
    [50, 138, 'He can be reached at 512-713-9543. His current address is 13755 Bluebonnet St, Austin, TX 78745.'],
    [50, 152, 'This referral is urgent; I would appreciate him being seen within the next week.'],
    [50, 190, 'Sincerely,'],
    [50, 230, 'Amy Lee, MD'],
  ];

  it('reads the patient phone, address and priority', () => {
    const x = run(LETTER);
    expect(x.fields['patient.phone']?.value).toBe('5127139543');
    expect(x.fields['patient.address.line1']?.value).toBe('13755 Bluebonnet St');
    expect(x.fields['patient.address.city']?.value).toBe('Austin');
    expect(x.fields['patient.address.state']?.value).toBe('TX');
    expect(x.fields['patient.address.postalCode']?.value).toBe('78745');
    expect(x.fields['referral.urgency']?.value).toBe('urgent');
  });

  it('reads "Her phone number 1s ..." (OCR\'s 1 for the i of "is")', () => {
    const x = run([...LETTER.slice(0, 3), [50, 138, 'She is a 36 year old female. Her phone number 1s 614-563-4654.'], ...LETTER.slice(4)]);
    expect(x.fields['patient.phone']?.value).toBe('6145634654');
  });

  it('reads the payer, member id and group said in a sentence, not a practice name\'s "Group"', () => {
    const x = run([...LETTER.slice(0, 3), [50, 138, 'Her insurance is Cigna, member ID U2448270456, group 4530511.'], ...LETTER.slice(5),
      [50, 244, 'Westside Medical Group 1740408947']]);
    expect(x.fields['insurance.payer']?.value).toBe('Cigna');
    expect(x.fields['insurance.memberId']?.value).toBe('U2448270456');
    expect(x.fields['insurance.groupNumber']?.value).toBe('4530511');
    const y = run([...LETTER.slice(0, 3), ...LETTER.slice(5), [50, 244, 'Westside Medical Group 1740408947']]);
    expect(y.fields['insurance.groupNumber']).toBeUndefined();
    // OCR's capital I in "is".
    const z = run([...LETTER.slice(0, 3), [50, 138, 'His health plan Is WellCare; policy number U2448270456.'], ...LETTER.slice(5)]);
    expect(z.fields['insurance.payer']?.value).toBe('WellCare');
  });

  it('reads "His current address 1s ..." (OCR\'s 1 for the i of "is") in any sentence', () => {
    const x = run([...LETTER.slice(0, 3), [50, 138, 'His current address 1s 13755 Bluebonnet St, Austin, TX 78745.'], ...LETTER.slice(5)]);
    expect(x.fields['patient.address.line1']?.value).toBe('13755 Bluebonnet St');
    expect(run([...LETTER.slice(0, 3), [50, 138, 'Her insurance ls Cigna, member ID U2448270456.'], ...LETTER.slice(5)]).fields['insurance.payer']?.value).toBe('Cigna');
  });

  it('reads a sentence across its line break past a lone box the finder saw in the letters ("His" / ☐ / "insurance is ...")', () => {
    const x = run([...LETTER.slice(0, 3), [50, 138, 'She is a 36 year old female. Her'], [120, 153, '☐', 6], [50, 152, 'insurance is Cigna, member ID U2448270456.'], ...LETTER.slice(5)]);
    expect(x.fields['insurance.payer']?.value).toBe('Cigna');
  });

  it('reads "a routine referral" and does not invent a priority from other words', () => {
    expect(run([...LETTER.slice(0, 3), [50, 152, 'This is a routine referral.']]).fields['referral.urgency']?.value).toBe('routine');
    expect(run(LETTER.slice(0, 3)).fields['referral.urgency']).toBeUndefined();
  });

  it('the generator writes some letters this way', () => {
    const docs = generateCorpus(300, 17, today).filter((d) => d.family === 'letter');
    const prose = docs.filter((d) => d.layout.pages.some((p) => p.blocks.some((b) => b.lines.some((l) => /can be reached at|phone number is|This referral is|routine referral|lives at|address is/.test(l.text)))));
    expect(prose.length).toBeGreaterThan(0);
  });
});

describe('reason extent', () => {
  it('stops before a code or a date column', () => {
    const x = run([...HEAD.slice(0, 4), [60, 125, 'Reason for Referral: Symptomatic gallstones K80.20 08/30/2025']]);
    expect(x.fields['referral.reason']?.value).toBe('Symptomatic gallstones');
  });
});

describe('middle names', () => {
  it('drops OCR debris as a middle name but keeps initials', () => {
    expect(run([...HEAD.slice(0, 1), [60, 80, 'Patient Name: Doe, Jane Cos EE'], ...HEAD.slice(2)]).fields['patient.middleName']).toBeUndefined();
    expect(run(HEAD).fields['patient.middleName']?.value).toBe('A');
  });
});

describe('short family names', () => {
  it('reads "Do", "Ng" and "Pham" as family names on clean generated referrals', () => {
    let seen = 0;
    for (const d of generateCorpus(1500, 5, today)) {
      if (d.documentType !== 'referral' || d.quality !== 'digital') continue;
      const last = d.fields['patient.lastName'];
      if (!last || !/^(do|ng|pham)$/i.test(String(last))) continue;
      seen++;
      expect(extractOffline(d.layout, { reviewThreshold: 0.95, today }).fields['patient.lastName']?.value).toBe(last);
    }
    expect(seen).toBeGreaterThan(5);
  });
});

describe('captions above values', () => {
  it('reads the value under a caption when the next column holds an unreadable caption ("NPY" for NPI)', () => {
    const x = run([
      [50, 40, 'REFERRAL FORM', 13],
      [40, 80, 'PATIENT NAME', 7], [225, 80, 'DATE OF BIRTH', 7],
      [40, 91, 'Doe, Jane A.'], [225, 91, '03/14/1962'],
      [40, 120, 'REFERRING PHYSICIAN', 7], [225, 120, 'NPY', 7],
      [40, 131, 'Jennifer Price, MD'], [225, 131, '1234567893'],
    ]);
    expect(x.fields['referringProvider.name']?.value).toBe('Jennifer Price');
    expect(x.fields['patient.dob']?.value).toBe('1962-03-14');
  });
});

describe('NPI without a readable label', () => {
  const SIGNED: Piece[] = [
    [50, 40, 'Riverside Medical Associates', 14],
    [50, 100, 'Dear Colleague,'],
    [50, 124, 'I am referring Mr. John Smith, DOB 04/02/1971, for evaluation of right ankle instability.'],
    [50, 190, 'Sincerely,'],
    [50, 230, 'Amy Lee, MD'],
  ];

  it('takes a bare 10-digit number that passes the NPI check, under a mangled label', () => {
    expect(run([...SIGNED, [50, 244, 'NPY 1234567893']]).fields['referringProvider.npi']?.value).toBe('1234567893');
    expect(run([...SIGNED, [50, 244, '1234567893']]).fields['referringProvider.npi']?.value).toBe('1234567893');
  });

  it('does not take a number that fails the check, nor one a member-id label claims', () => {
    expect(run([...SIGNED, [50, 244, '1234567890']]).fields['referringProvider.npi']).toBeUndefined();
    expect(run([...SIGNED, [50, 244, 'Member ID: 1234567893']]).fields['referringProvider.npi']).toBeUndefined();
  });
});

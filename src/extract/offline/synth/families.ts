/**
 * Layout families for synthetic referrals: labelled forms (value right of the
 * label, in the same cell or a separate one), two columns, stacked label-over-value
 * grids, tables, narrative letters and EHR printouts. Plus the pages that travel
 * with them: fax cover sheets, progress notes, fax transmission headers.
 */
import { COMMON_ICD10 as ICD } from '../../normalize/icd10-common.ts';
import type { Item, ReferralFacts } from './referral.ts';
import type { PageBuilder } from './builder.ts';
import type { Rng } from './rng.ts';

const SECTION_TITLES = {
  patient: ['PATIENT INFORMATION', 'Patient Information', 'Patient Demographics', 'PATIENT'],
  insurance: ['INSURANCE INFORMATION', 'Insurance Information', 'Insurance', 'Coverage Information'],
  provider: ['REFERRING PROVIDER', 'Referring Provider Information', 'Referring Physician', 'Provider Information'],
  referral: ['REFERRAL INFORMATION', 'Referral Details', 'Clinical Information', 'Referral Information'],
} as const;

const TITLES = ['REFERRAL FORM', 'Referral Request', 'OUTPATIENT REFERRAL', 'Specialty Referral Order', 'Consultation Request', 'PATIENT REFERRAL'];

/** Writes an item's value; a value with line breaks continues on the lines below at the same x. Returns lines used. */
function put(p: PageBuilder, x: number, y: number, text: string, size = 10, step = 14): number {
  const lines = text.split('\n');
  lines.forEach((l, i) => p.text(x, y + i * step, l, size));
  return lines.length;
}

/** Items whose label is generic need their section heading to be read right. */
function sectioned(items: Item[]): Record<Item['section'], Item[]> {
  const out: Record<Item['section'], Item[]> = { patient: [], insurance: [], provider: [], referral: [] };
  for (const it of items) out[it.section].push(it);
  return out;
}

function label(it: Item, rng: Rng): string {
  const r = rng.next();
  return r < 0.85 ? `${it.label}:` : r < 0.89 ? `${it.label}.........` : r < 0.92 ? `${it.label} ......` : it.label;
}

/** An office's numbers as letterheads print them: labelled, or the phone bare and the fax after it. */
function contactLine(phone: string | undefined, fax: string | undefined, rng: Rng): string {
  if (phone && fax) {
    return rng.pick([`Tel: ${phone}   Fax: ${fax}`, `${phone} (Office Fax: ${fax})`, `${phone} · Fax ${fax}`, `Phone ${phone}  Fax ${fax}`, `${phone}  |  Fx ${fax}`]);
  }
  return phone ? rng.pick([`Tel: ${phone}`, `${phone}`, `Ph ${phone}`]) : `Fax: ${fax}`;
}

/** A title and letterhead line. */
function header(p: PageBuilder, f: ReferralFacts, rng: Rng, y: number): number {
  if (rng.chance(0.6)) {
    p.text(50, y, f.practice, 14);
    f.shownPractice = true;
    // Some letterheads carry the office's numbers, the phone often without a label.
    const ph = f.items.find((it) => it.key === 'referringProvider.phone');
    const fx = f.items.find((it) => it.key === 'referringProvider.fax');
    if ((ph || fx) && rng.chance(0.4)) {
      p.text(50, y + 17, contactLine(ph?.text, fx?.text, rng), 8);
      y += 12;
    }
    p.endBlock();
    y += 22;
  }
  p.text(rng.chance(0.5) ? 50 : 220, y, rng.pick(TITLES), 13);
  p.endBlock();
  return y + 30;
}

/** Single column, "Label: value" (same segment or a separate value column). */
export function formRight(p: PageBuilder, f: ReferralFacts, rng: Rng): void {
  let y = header(p, f, rng, 50);
  const split = rng.chance(0.5);
  const vx = rng.pick([170, 190, 210]);
  const secs = sectioned(f.items);
  for (const sec of ['patient', 'insurance', 'provider', 'referral'] as const) {
    if (!secs[sec].length) continue;
    p.text(50, y, rng.pick(SECTION_TITLES[sec]), 11);
    p.endBlock();
    y += 18;
    // Sometimes two short items share a line.
    const its = secs[sec];
    for (let i = 0; i < its.length; i++) {
      const it = its[i]!;
      let used = 1;
      if (split) {
        p.text(60, y, label(it, rng));
        used = put(p, vx, y, it.text, 10, 15);
      } else {
        const [first, ...more] = it.text.split('\n');
        const end = p.text(60, y, `${label(it, rng)} ${first}`);
        const vx2 = end - (first!.length * 5 + 3) - 0;
        if (more.length) used += put(p, Math.max(60, vx2), y + 15, more.join('\n'), 10, 15);
      }
      if (used > 1) {
        y += 15 * used;
        continue;
      }
      const nxt = its[i + 1];
      if (nxt && !nxt.text.includes('\n') && it.text.length < 18 && nxt.text.length < 18 && rng.chance(0.35)) {
        if (split) p.row(y, [[330, label(nxt, rng)], [440, nxt.text]]);
        else p.text(330, y, `${label(nxt, rng)} ${nxt.text}`);
        i++;
      }
      y += 15;
    }
    p.endBlock();
    y += 10;
  }
  if (rng.chance(0.2)) formNote(p, rng, y + 6);
}

/** A free-text note under the form that is not the reason for referral (the reader must not take it as one). */
export function formNote(p: PageBuilder, rng: Rng, y: number): void {
  p.text(50, y, `${rng.pick(['Comments:', 'Notes:', 'Additional Notes:', 'Clinical Notes:'])} ${rng.pick([
    'Please call the patient to schedule.', 'Records and imaging attached.', 'Patient prefers afternoon appointments.',
    'Interpreter needed at visit.', 'Please send the consult note back by fax.'])}`, 10);
  p.endBlock();
}

/** Two columns: patient and insurance left, provider and referral right. */
export function twoColumn(p: PageBuilder, f: ReferralFacts, rng: Rng): void {
  const y0 = header(p, f, rng, 50);
  const secs = sectioned(f.items);
  const cols: Array<[number, Array<Item['section']>]> = [[40, ['patient', 'insurance']], [320, ['provider', 'referral']]];
  for (const [x, list] of cols) {
    let y = y0;
    for (const sec of list) {
      if (!secs[sec].length) continue;
      p.text(x, y, rng.pick(SECTION_TITLES[sec]), 11);
      p.endBlock();
      y += 17;
      for (const it of secs[sec]) {
        const text = (it.key === 'referral.urgency' && it.text.length > 20 ? it.text.replace(/\s{2,}/g, ' ') : it.text).replace(/\n/g, it.key === 'referral.diagnosisCodes' ? '; ' : ', ');
        if (text.length > 30 && it.key === 'referral.reason') {
          p.text(x + 5, y, label(it, rng), 9);
          y += 13;
          p.text(x + 5, y, text, 9);
        } else p.text(x + 5, y, `${label(it, rng)} ${text}`, 9);
        y += 14;
      }
      p.endBlock();
      y += 10;
    }
  }
}

/** A grid of cells: small label on top, value underneath, three per row. */
export function stacked(p: PageBuilder, f: ReferralFacts, rng: Rng): void {
  let y = header(p, f, rng, 50);
  const caption = rng.chance(0.3);
  const secs = sectioned(f.items);
  for (const sec of ['patient', 'insurance', 'provider', 'referral'] as const) {
    if (!secs[sec].length) continue;
    p.text(40, y, rng.pick(SECTION_TITLES[sec]), 11);
    p.endBlock();
    y += 18;
    const its = secs[sec];
    for (let i = 0; i < its.length; i += 3) {
      const row = its.slice(i, i + 3);
      const wide = row.some((it) => it.text.length > 28 || it.text.includes('\n'));
      const cells = wide ? [row[0]!] : row;
      if (wide) i -= 3 - 1;
      if (caption) {
        // Value on the line, caption under it (paper forms).
        const used = Math.max(...cells.map((it, k) => put(p, 40 + k * 185, y, it.text, 10, 12)));
        cells.forEach((it, k) => p.text(40 + k * 185, y + 12 * used + 1, it.label, 7));
        y += 30 + (used - 1) * 12;
        continue;
      }
      cells.forEach((it, k) => p.text(40 + k * 185, y, it.label.toUpperCase(), 7));
      const used = Math.max(...cells.map((it, k) => put(p, 40 + k * 185, y + 11, it.text, 10, 12)));
      y += 30 + (used - 1) * 12;
    }
    p.endBlock();
    y += 8;
  }
}

/** Patient details as a table (header row, value row), the rest as labelled lines. */
export function table(p: PageBuilder, f: ReferralFacts, rng: Rng): void {
  let y = header(p, f, rng, 50);
  const secs = sectioned(f.items);
  const pat = secs.patient.filter((it) => it.text.length < 26 && !it.text.includes('\n')).slice(0, 4);
  p.text(40, y, rng.pick(SECTION_TITLES.patient), 11);
  y += 18;
  const widths = pat.map((it) => Math.max(it.label.length * 5 + 20, it.text.length * 5 + 14));
  let x = 40;
  pat.forEach((it, k) => {
    p.text(x, y, it.label, 9);
    p.text(x, y + 14, it.text, 10);
    x += widths[k]!;
  });
  p.endBlock();
  y += 40;
  const rest = [...secs.patient.filter((it) => !pat.includes(it)), ...secs.insurance, ...secs.provider, ...secs.referral];
  let last: Item['section'] | null = null;
  for (const it of rest) {
    if (it.section !== last) {
      p.endBlock();
      y += 6;
      p.text(40, y, rng.pick(SECTION_TITLES[it.section]), 11);
      y += 17;
      last = it.section;
    }
    y += 14 * put(p, 50, y, `${label(it, rng)} ${it.text}`, 10, 14);
  }
  p.endBlock();
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if ((line + ' ' + w).trim().length > width) {
      out.push(line.trim());
      line = w;
    } else line = `${line} ${w}`;
  }
  if (line.trim()) out.push(line.trim());
  return out;
}

/** A letter: letterhead, date, salutation, a paragraph naming the patient, a signature. */
export function letter(p: PageBuilder, f: ReferralFacts, rng: Rng): void {
  const get = (k: Item['key']) => f.items.find((it) => it.key === k);
  p.text(50, 40, f.practice, 15);
  const ph = get('referringProvider.phone');
  const fx = get('referringProvider.fax');
  if (ph || fx) p.text(50, 60, contactLine(ph?.text, fx?.text, rng), 9);
  p.endBlock();
  let y = 100;
  if (f.referralDateText) {
    p.text(50, y, f.referralDateText, 10);
    y += 28;
  }
  const greeting = rng.pick(['Dear Colleague,', 'Dear Doctor,', `Dear ${f.specialty} team,`, 'To whom it may concern,']);
  if (greeting.includes(f.specialty)) f.namedSpecialty = true;
  p.text(50, y, greeting, 10);
  p.endBlock();
  y += 24;
  const title = f.truth['patient.sex'] === 'F' ? 'Ms.' : f.truth['patient.sex'] === 'M' ? 'Mr.' : '';
  const nameNatural = f.patientNameText.includes(',')
    ? `${f.patientNameText.split(',')[1]!.trim()} ${f.patientNameText.split(',')[0]!.trim()}`
    : f.patientNameText;
  const opener = rng.pick(['I am referring', 'I would like to refer', 'Please see', 'I am writing to refer']);
  const sexWord = f.truth['patient.sex'] === 'F' ? 'female' : f.truth['patient.sex'] === 'M' ? 'male' : '';
  const sexText = sexWord ? ` ${f.items.find((i) => i.key === 'patient.sex') ? `She/he is a ${rng.int(18, 90)}${rng.pick(['-year-old ', ' year old ', ' y/o '])}${rng.chance(0.3) ? (sexWord === 'female' ? 'woman' : 'man') : sexWord}.` : ''}` : '';
  const reason = f.reasonText.toLowerCase().replace(/\.$/, '');
  const dob = rng.chance(0.6) ? `, DOB ${f.dobText},` : ` (DOB ${f.dobText})`;
  // The referring sentence names the reason in several ways.
  const sendFor = rng.pick([
    `to your ${f.specialty} clinic for evaluation of ${reason}`,
    `to your practice for ${reason}`,
    `to you for ${reason}`,
    `to our colleagues in ${f.specialty} for further care of ${reason}`,
    `for ${reason}`,
  ]);
  if (sendFor.includes(f.specialty)) f.namedSpecialty = true;
  const body = `${opener} ${title ? title + ' ' : ''}${nameNatural}${dob} ${sendFor}.${sexText.replace('She/he', f.truth['patient.sex'] === 'F' ? 'She' : 'He')}`;
  // Some letters give contact details and priority in sentences rather than labelled lines.
  const inProse = new Set<string>();
  let prose = '';
  if (rng.chance(0.5)) {
    const sex = f.truth['patient.sex'];
    const he = sex === 'F' ? 'She' : sex === 'M' ? 'He' : 'The patient';
    const his = sex === 'F' ? 'Her' : sex === 'M' ? 'His' : "The patient's";
    const phone = get('patient.phone');
    if (phone) {
      prose += ` ${rng.pick([`${he} can be reached at ${phone.text}.`, `${his} phone number is ${phone.text}.`])}`;
      inProse.add('patient.phone');
    }
    const street = get('patient.address.line1');
    const csz = get('cityStateZip');
    if (street && csz && !street.text.includes('\n')) {
      prose += ` ${rng.pick([`${his} current address is ${street.text}, ${csz.text}.`, `${he} lives at ${street.text}, ${csz.text}.`])}`;
      inProse.add('patient.address.line1').add('cityStateZip');
    }
    const payer = get('insurance.payer');
    const member = get('insurance.memberId');
    if (payer && member && rng.chance(0.5)) {
      prose += ` ${rng.pick([`${his} insurance is ${payer.text}, member ID ${member.text}.`, `${he} is covered by ${payer.text} (subscriber ID ${member.text}).`,
        `${his} health plan is ${payer.text}; policy number ${member.text}.`])}`;
      inProse.add('insurance.payer').add('insurance.memberId');
    }
    const dx = get('referral.diagnosisCodes');
    const codes = (f.truth['referral.diagnosisCodes'] as string[] | undefined) ?? [];
    if (dx && codes.length && rng.chance(0.5)) {
      const listed = codes.map((c) => `${(ICD[c] ?? 'diagnosis').split(',')[0]} (${c})`);
      prose += ` ${rng.pick(['Working diagnoses:', 'Problem list for this visit:', 'Diagnoses pertinent to this request include'])} ${listed.join('; ')}.`;
      inProse.add('referral.diagnosisCodes');
    }
    const u = f.truth['referral.urgency'];
    if (u) {
      prose += ` ${u === 'urgent' ? rng.pick(['This referral is urgent; please see the patient within the next week.', 'Please see this patient urgently.']) : u === 'stat' ? 'This referral is STAT.' : rng.pick(['This is a routine referral.', 'This referral is routine.'])}`;
      inProse.add('referral.urgency');
    }
  }
  for (const line of wrap(body + prose, 90)) {
    p.text(50, y, line, 10);
    y += 14;
  }
  p.endBlock();
  y += 10;
  // Some signature blocks print the NPI as a bare number under the name.
  const npiItem = get('referringProvider.npi');
  const bareNpi = npiItem && !npiItem.text.startsWith('2') && rng.chance(0.3) ? npiItem.text : null;
  if (bareNpi) inProse.add('referringProvider.npi');
  const rest = f.items.filter((it) => !inProse.has(it.key) && ['insurance.payer', 'insurance.memberId', 'insurance.groupNumber', 'patient.phone', 'patient.mrn', 'referral.diagnosisCodes', 'referral.urgency', 'patient.address.line1', 'cityStateZip', 'referringProvider.npi'].includes(it.key));
  for (const it of rest) {
    p.text(50, y, `${label(it, rng)} ${it.text.replace(/\n/g, it.key === 'referral.diagnosisCodes' ? '; ' : ', ')}`, 10);
    y += 14;
  }
  p.endBlock();
  y += 20;
  const signed = f.provider.includes(',') || f.provider.startsWith('Dr') ? f.provider : `${f.provider}, MD`;
  if (rng.chance(0.15)) {
    // Closing and name on one line.
    p.text(50, y + 40, `${rng.pick(['Sincerely,', 'Regards,', 'Respectfully,'])} ${signed}`, 10);
  } else {
    p.text(50, y, rng.pick(['Sincerely,', 'Thank you,', 'Kind regards,', 'Best regards,']), 10);
    p.text(50, y + 40, signed, 10);
  }
  p.text(50, y + 54, f.practice, 10);
  if (bareNpi) p.text(50, y + 68, bareNpi, 10);
  p.endBlock();
}

/** An EHR printout: compact "Pt: DOE, JANE A   DOB: ...   Sex: F" lines. */
export function ehr(p: PageBuilder, f: ReferralFacts, rng: Rng): void {
  p.text(40, 40, rng.pick(['Referral Order', 'Outgoing Referral', 'Referral Summary']), 11);
  p.text(40, 56, `Printed ${f.referralDateText || '01/01/2025'}  User: clinic01`, 8);
  p.endBlock();
  let y = 80;
  const rows: Item[][] = [];
  const its = [...f.items];
  while (its.length) {
    const a = its.shift()!;
    const b = its[0] && a.text.length < 22 && its[0].text.length < 22 && rng.chance(0.6) ? its.shift()! : null;
    rows.push(b ? [a, b] : [a]);
  }
  const short: Record<string, string> = { patientName: 'Pt', 'patient.dob': 'DOB', 'patient.sex': 'Sex', 'referringProvider.name': 'Referring', 'referral.diagnosisCodes': 'Dx', 'insurance.payer': 'Ins', 'insurance.memberId': 'ID', 'insurance.groupNumber': 'Grp' };
  for (const row of rows) {
    const parts = row.map((it) => {
      const l = short[it.key] && rng.chance(0.6) ? short[it.key] : it.label;
      const t = it.text.replace(/\n/g, it.key === 'referral.diagnosisCodes' ? '; ' : ', ');
      return `${l}: ${t}`;
    });
    p.text(40, y, parts.join('    '), 9);
    y += 13;
  }
  p.endBlock();
}

export function coverSheet(p: PageBuilder, f: ReferralFacts | null, rng: Rng, pages: number): void {
  p.text(200, 50, rng.pick(['FAX COVER SHEET', 'Fax Transmittal', 'FACSIMILE COVER SHEET', 'Fax']), 16);
  p.endBlock();
  const from = f?.practice ?? 'Lakeside Medical Group';
  const to = rng.pick(['Central Texas Specialty Associates', 'Valley Cardiology', 'Northside Orthopedic Center', 'Intake Department']);
  const rows: Array<[string, string]> = [
    ['To:', to], ['Fax:', `(512) 555-${rng.digits(4)}`], ['From:', from], ['Phone:', `(737) 555-${rng.digits(4)}`],
    ['Date:', '11/02/2025'], ['Pages:', `${pages} (including cover)`], ['Re:', rng.pick(['Referral', 'Patient referral', 'New referral attached', 'Records'])],
  ];
  let y = 110;
  for (const [l, v] of rows) {
    p.row(y, [[60, l], [150, v]], 11);
    y += 20;
  }
  p.endBlock();
  p.text(60, y + 20, rng.pick(['Comments: Please see attached referral. Call with questions.', 'Message: Urgent, please schedule.', 'Please contact our office to confirm receipt.']), 10);
  p.endBlock();
  p.text(60, 700, 'CONFIDENTIALITY NOTICE: This facsimile contains confidential information intended only for the', 7);
  p.text(60, 710, 'recipient named above. If you received this in error, notify the sender and destroy all copies.', 7);
  p.endBlock();
}

export function progressNote(p: PageBuilder, f: ReferralFacts, rng: Rng): void {
  p.text(40, 40, rng.pick(['Progress Note', 'Office Visit Note', 'Clinic Note']), 13);
  p.endBlock();
  p.text(40, 64, `Patient: ${f.patientNameText}    DOB: ${f.dobText}`, 10);
  p.text(40, 78, `Provider: ${f.provider}`, 10);
  p.endBlock();
  const lines = [
    'Subjective: Patient presents for follow-up. Symptoms as described in the referral.',
    'Objective: Vitals stable. BP 128/82, HR 76. Exam otherwise unremarkable.',
    `Assessment: ${f.reasonText}.`,
    'Plan: Refer to specialist as above. Continue current medications. Return in 3 months.',
  ];
  lines.forEach((l, i) => p.text(40, 110 + i * 16, l, 10));
  p.endBlock();
}

export function faxHeader(p: PageBuilder, practice: string, page: number, pages: number, rng: Rng): void {
  p.text(20, 8, `${rng.pick(['11/02/2025 09:14', 'Nov 2 2025 14:02', '10-30-2025 16:45'])}  FROM: ${practice}  (512) 555-0199   P. ${page}/${pages}`, 7);
  p.endBlock();
}

/**
 * A patient stamp in the page header or footer, as EHRs print on every page
 * ("Pt: DOE, JANE A  DOB: 03/14/1962  Page 1 of 2"): a second, independent
 * reading of the patient's name and date of birth.
 */
export function patientStamp(p: PageBuilder, f: ReferralFacts, rng: Rng, page: number, total: number): void {
  const y = rng.chance(0.7) ? 760 : 28;
  const name = rng.chance(0.5) ? f.patientNameText.toUpperCase() : f.patientNameText;
  const label = rng.pick(['Pt:', 'Patient:', 'Pt Name:', 'Patient Name:']);
  const sep = rng.pick(['   ', ' | ', '  ']);
  p.endBlock();
  p.text(40, y, `${label} ${name}${sep}DOB: ${f.dobText}${sep}Page ${page} of ${total}`, 8);
  p.endBlock();
}

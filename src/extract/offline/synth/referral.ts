/**
 * A synthetic referral: the facts (truth, in normal form) and how this document
 * writes each of them (label synonym, format), independent of layout family.
 */
import type { FieldKey, FieldValue } from '../../fields.ts';
import { STATE_NAMES } from '../../normalize/address.ts';
import { SPECIALTY_AS_WRITTEN, CLINICAL, CREDS, FIRST, LAST, PAYERS, PLACES, PRACTICE_A, PRACTICE_B, STREETS, STREET_TYPES, makeNpi, makePhone } from './data.ts';
import { fmtDate, fmtPatientName, fmtPhone, fmtProvider } from './formats.ts';
import { COMMON_ICD10 as ICD } from '../../normalize/icd10-common.ts';
import type { Rng } from './rng.ts';
import { findSpecialty } from '../../normalize/specialty.ts';

export interface Item {
  key: FieldKey | 'patientName' | 'cityStateZip';
  label: string;
  text: string;
  section: 'patient' | 'insurance' | 'provider' | 'referral';
}

export interface ReferralFacts {
  truth: Partial<Record<FieldKey, FieldValue>>;
  items: Item[];
  practice: string;
  provider: string;
  providerLast: string;
  patientNameText: string;
  dobText: string;
  reasonText: string;
  specialty: string;
  urgencyText: string;
  referralDateText: string;
  /** Set by a layout that prints the practice as a letterhead. */
  shownPractice?: boolean;
  /** Set by a letter that names the specialty it is sent to. */
  namedSpecialty?: boolean;
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

const L = {
  patientName: ['Patient Name', 'Patient', 'Name', 'Pt Name', 'Patient Full Name'],
  dob: ['DOB', 'Date of Birth', 'Birthdate', 'D.O.B.', 'Birth Date'],
  sex: ['Sex', 'Gender', 'Sex at Birth', 'Legal Sex'],
  phone: ['Phone', 'Home Phone', 'Patient Phone', 'Telephone', 'Cell'],
  address: ['Address', 'Street Address', 'Home Address'],
  csz: ['City/State/ZIP', 'City, State, Zip'],
  mrn: ['MRN', 'Chart #', 'Patient ID', 'Medical Record #', 'Acct #', 'MR #', 'Chart No.'],
  payer: ['Insurance', 'Payer', 'Insurance Plan', 'Primary Insurance', 'Insurance Carrier', 'Health Plan', 'Payor', 'Coverage', 'Insurance Company'],
  member: ['Member ID', 'Policy #', 'Subscriber ID', 'ID #', 'Member #', 'Policy Number', 'Subscriber #', 'Member No.', 'Insurance ID', 'Policy/Member ID'],
  group: ['Group #', 'Group Number', 'Group', 'Grp #'],
  provider: ['Referring Provider', 'Referring Physician', 'Referred By', 'Ordering Provider', 'Provider Name', 'Physician', 'Requesting Provider', 'Referring Clinician'],
  npi: ['NPI', 'NPI #', 'Provider NPI', 'NPI Number'],
  practice: ['Practice', 'Clinic', 'Practice Name', 'Referring Practice', 'Organization', 'Facility'],
  pphone: ['Phone', 'Office Phone', 'Tel', 'Provider Phone', 'Phone #'],
  pfax: ['Fax', 'Fax #', 'Office Fax', 'Fax Number', 'Return Fax'],
  specialty: ['Specialty', 'Specialty Requested', 'Referred To', 'Service Requested', 'Referral To', 'Department', 'Consult', 'Requested Service'],
  reason: ['Reason for Referral', 'Reason', 'Reason for Consultation', 'Clinical Indication', 'Chief Complaint', 'Referral Reason'],
  dx: ['Diagnosis', 'Dx', 'ICD-10', 'Diagnosis Code(s)', 'ICD-10 Codes', 'Diagnosis (ICD-10)'],
  urgency: ['Urgency', 'Priority', 'Referral Priority'],
  date: ['Date', 'Referral Date', 'Date of Referral', 'Date Sent', 'Date Written', 'Order Date'],
};

const MBI_LETTERS = 'ACDEFGHJKMNPQRTUVWXY';

/** A Medicare Beneficiary Identifier: N A C N A C N A A N N (C either), letters never S L O I B Z. */
export function makeMbi(rng: Rng): string {
  const letter = () => MBI_LETTERS[rng.int(0, MBI_LETTERS.length - 1)]!;
  const either = () => (rng.chance(0.5) ? letter() : String(rng.int(0, 9)));
  return `${rng.int(1, 9)}${letter()}${either()}${rng.int(0, 9)}${letter()}${either()}${rng.int(0, 9)}${letter()}${letter()}${rng.int(0, 9)}${rng.int(0, 9)}`;
}

export function makeFacts(rng: Rng, today: Date): ReferralFacts {
  const truth: Partial<Record<FieldKey, FieldValue>> = {};
  const items: Item[] = [];
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const middle = rng.chance(0.55) ? rng.pick(FIRST) : undefined;
  const name = fmtPatientName(middle ? { first, middle, last } : { first, last }, rng);
  truth['patient.firstName'] = name.truth.first;
  truth['patient.lastName'] = name.truth.last;
  if (name.truth.middle) truth['patient.middleName'] = name.truth.middle;
  items.push({ key: 'patientName', label: rng.pick(L.patientName), text: name.text, section: 'patient' });
  const age = rng.int(1, 95);
  const dob = new Date(Date.UTC(today.getUTCFullYear() - age, rng.int(0, 11), rng.int(1, 28)));
  truth['patient.dob'] = iso(dob);
  const dobText = fmtDate(iso(dob), rng, 'dob', today);
  items.push({ key: 'patient.dob', label: rng.pick(L.dob), text: dobText, section: 'patient' });
  if (rng.chance(0.7)) {
    const sex = rng.pick(['F', 'M', 'F', 'M', 'X']);
    truth['patient.sex'] = sex;
    let text = sex === 'X' ? 'X' : rng.chance(0.5) ? sex : sex === 'F' ? 'Female' : 'Male';
    // Paper forms: a box per option ("☐ M ☒ F").
    if (sex !== 'X' && rng.chance(0.25)) {
      const long = rng.chance(0.4);
      const style = rng.next();
      const opt = (o: 'M' | 'F') => (long ? (o === 'M' ? 'Male' : 'Female') : o);
      if (style < 0.55) text = (['M', 'F'] as const).map((o) => `${o === sex ? rng.pick(['☒', '[X]']) : rng.pick(['☐', '[ ]'])} ${opt(o)}`).join(' ');
      // The box run into its letter, as OCR reads small boxes ("XF", "[IM", "☒M").
      else if (style < 0.85) text = (['M', 'F'] as const).map((o) => `${o === sex ? rng.pick(['☒', '[X]', 'X', 'x]']) : rng.pick(['☐', '[]', '[I', '[J'])}${o}`).join(' ');
      else {
        // Boxes drawn as graphics: the text layer has the options and no mark; the document does not say.
        text = (['M', 'F'] as const).map(opt).join('   ');
        delete truth['patient.sex'];
      }
    }
    items.push({ key: 'patient.sex', label: rng.pick(L.sex), text, section: 'patient' });
  }
  const [city, state, zip3] = rng.pick(PLACES);
  const area = rng.pick(['512', '737', '303', '614']);
  if (rng.chance(0.85)) {
    const p = makePhone(rng, area);
    truth['patient.phone'] = p;
    items.push({ key: 'patient.phone', label: rng.pick(L.phone), text: fmtPhone(p, rng), section: 'patient' });
  }
  if (rng.chance(0.8)) {
    const line1 = `${rng.int(10, 9999)} ${rng.pick(STREETS)} ${rng.pick(STREET_TYPES)}`;
    const zip = `${zip3}${rng.digits(2)}`;
    truth['patient.address.line1'] = line1;
    truth['patient.address.city'] = city;
    truth['patient.address.state'] = state;
    truth['patient.address.postalCode'] = zip;
    const stText = rng.chance(0.15) ? STATE_NAMES[state]! : state;
    const zipText = rng.chance(0.2) ? `${zip}-${rng.digits(4)}` : zip;
    items.push({ key: 'patient.address.line1', label: rng.pick(L.address), text: line1, section: 'patient' });
    if (rng.chance(0.35)) {
      // Street and city on two lines under one "Address" label.
      items[items.length - 1]!.text = `${line1}\n${city}, ${stText} ${zipText}`;
    } else items.push({ key: 'cityStateZip', label: rng.pick(L.csz), text: `${city}, ${stText} ${zipText}`, section: 'patient' });
  }
  if (rng.chance(0.4)) {
    const mrn = rng.pick([`MR-${rng.digits(6)}`, `${rng.digits(8)}`, `A${rng.digits(7)}`]);
    truth['patient.mrn'] = mrn;
    items.push({ key: 'patient.mrn', label: rng.pick(L.mrn), text: mrn, section: 'patient' });
  }
  if (rng.chance(0.8)) {
    const payer = rng.pick(PAYERS);
    truth['insurance.payer'] = payer;
    items.push({ key: 'insurance.payer', label: rng.pick(L.payer), text: payer, section: 'insurance' });
    let member = rng.pick([`${rng.pick(['W', 'U', 'XG', 'H'])}${rng.digits(9)}`, rng.digits(11), `${rng.pick(['ABC', 'ZGP', 'YRX'])}${rng.digits(8)}`]);
    // Medicare prints the MBI (digit/letter pattern, never S L O I B Z: OCR turns its 5, 1, 0, 8, 2 into those).
    if (payer === 'Medicare' && rng.chance(0.7)) member = makeMbi(rng);
    // Some forms print the id in groups ("W 993 297 588"); the id itself has no spaces.
    const memberText = rng.chance(0.12) ? member.replace(/^(\D*\d{3})(\d{3})(\d{3})/, '$1 $2 $3') : member;
    truth['insurance.memberId'] = member;
    items.push({ key: 'insurance.memberId', label: rng.pick(L.member), text: memberText, section: 'insurance' });
    if (rng.chance(0.5)) {
      const g = rng.chance(0.5) ? rng.digits(7) : `GRP${rng.digits(5)}`;
      truth['insurance.groupNumber'] = g;
      items.push({ key: 'insurance.groupNumber', label: rng.pick(L.group), text: g, section: 'insurance' });
    }
  }
  const pFirst = rng.pick(FIRST);
  const pLast = rng.pick(LAST);
  const prov = fmtProvider(pFirst, pLast, rng.pick(CREDS), rng);
  truth['referringProvider.name'] = prov.truth;
  items.push({ key: 'referringProvider.name', label: rng.pick(L.provider), text: prov.text, section: 'provider' });
  const practice = `${rng.pick(PRACTICE_A)} ${rng.pick(PRACTICE_B)}`;
  if (rng.chance(0.85)) {
    truth['referringProvider.practice'] = practice;
    items.push({ key: 'referringProvider.practice', label: rng.pick(L.practice), text: practice, section: 'provider' });
  }
  if (rng.chance(0.8)) {
    const npi = makeNpi(rng);
    truth['referringProvider.npi'] = npi;
    items.push({ key: 'referringProvider.npi', label: rng.pick(L.npi), text: npi, section: 'provider' });
  }
  const officeArea = rng.pick(['512', '737', '303', '614', '919']);
  if (rng.chance(0.85)) {
    const p = makePhone(rng, officeArea);
    truth['referringProvider.phone'] = p;
    items.push({ key: 'referringProvider.phone', label: rng.pick(L.pphone), text: fmtPhone(p, rng), section: 'provider' });
  }
  if (rng.chance(0.85)) {
    const p = makePhone(rng, officeArea);
    truth['referringProvider.fax'] = p;
    items.push({ key: 'referringProvider.fax', label: rng.pick(L.pfax), text: fmtPhone(p, rng), section: 'provider' });
  }
  const clin = rng.pick(CLINICAL);
  if (rng.chance(0.9)) {
    const variants = SPECIALTY_AS_WRITTEN[clin.specialty];
    const written = variants && rng.chance(0.35) ? rng.pick(variants) : clin.specialty;
    truth['referral.specialty'] = written;
    // Some forms list specialties with checkboxes; the checked one is the value.
    let text = written;
    if (rng.chance(0.2) && findSpecialty(written)?.value === written) {
      const others = ['Orthopedics', 'Cardiology', 'Dermatology', 'Neurology', 'Gastroenterology', 'Physical Therapy', 'Endocrinology', 'Podiatry'].filter((o) => o.toLowerCase() !== written.toLowerCase());
      const opts = [rng.pick(others), rng.pick(others), rng.pick(others)].filter((o, i, a) => a.indexOf(o) === i);
      opts.splice(rng.int(0, opts.length), 0, written);
      const box = (o: string) => `${o === written ? rng.pick(['☒', '[X]']) : rng.pick(['☐', '[ ]'])} ${o}`;
      const r = rng.next();
      // A column of boxes, a grid of cells (two per row), or a grid whose boxes are vector graphics (no marks: unreadable).
      text = r < 0.6 ? opts.map(box).join('\n')
        : r < 0.9 ? [opts.slice(0, 2), opts.slice(2)].filter((row) => row.length).map((row) => row.map(box).join('\t')).join('\n')
        : [opts.slice(0, 2), opts.slice(2)].filter((row) => row.length).map((row) => row.join('\t')).join('\n');
    }
    items.push({ key: 'referral.specialty', label: rng.pick(L.specialty), text, section: 'referral' });
  }
  truth['referral.reason'] = clin.reason;
  items.push({ key: 'referral.reason', label: rng.pick(L.reason), text: clin.reason, section: 'referral' });
  if (rng.chance(0.8)) {
    const codes = clin.codes.slice(0, rng.int(1, clin.codes.length));
    truth['referral.diagnosisCodes'] = codes;
    const withText = rng.chance(0.3);
    // With descriptions: beside each code, or on its own line under the code (a column).
    const column = withText && codes.length > 1 && rng.chance(0.4);
    const desc = (c: string) => (ICD[c] ?? '').split(',')[0];
    const text = column ? codes.map((c) => `${c}\n${desc(c)}`).join('\n')
      : withText ? codes.map((c) => `${c} - ${desc(c)}`).join('\n') : codes.join(rng.pick([', ', '; ', '  ']));
    items.push({ key: 'referral.diagnosisCodes', label: rng.pick(L.dx), text, section: 'referral' });
  }
  let urgencyText = '';
  if (rng.chance(0.7)) {
    const u = rng.pick(['routine', 'routine', 'urgent', 'stat'] as const);
    truth['referral.urgency'] = u;
    const word = u === 'stat' ? 'STAT' : u[0]!.toUpperCase() + u.slice(1);
    const opts = ['Routine', 'Urgent', 'STAT'] as const;
    const style = rng.next();
    urgencyText = style < 0.35
      ? opts.map((o) => `${o.toLowerCase() === u ? rng.pick(['[X]', '☒', '(X)']) : rng.pick(['[ ]', '☐'])} ${o}`).join('   ')
      // Options spread across the row as cells; OCR sometimes loses the filled box of the checked one.
      : style < 0.55 ? opts.map((o) => (o.toLowerCase() === u ? `${rng.chance(0.3) ? '' : rng.pick(['☒', '[X]'])} ${o}` : `${rng.pick(['☐', '[ ]'])} ${o}`)).join('\t')
      // Boxes drawn as vector graphics: no mark in the text at all. Nothing can be read (truth stays).
      : style < 0.58 ? opts.join('\t')
      : rng.chance(0.15) ? rng.pick(u === 'routine' ? ['Routine (4-6 weeks)', 'Non urgent'] : u === 'urgent' ? ['Urgent (within 1 week)', 'ASAP'] : ['STAT - same day', 'STAT']) : word;
    items.push({ key: 'referral.urgency', label: rng.pick(L.urgency), text: urgencyText, section: 'referral' });
  }
  let referralDateText = '';
  if (rng.chance(0.9)) {
    const d = new Date(today.getTime() - rng.int(1, 200) * 86_400_000);
    truth['referral.date'] = iso(d);
    referralDateText = fmtDate(iso(d), rng, 'recent', today);
    items.push({ key: 'referral.date', label: rng.pick(L.date), text: referralDateText, section: 'referral' });
  }
  return {
    truth, items, practice, provider: prov.text, providerLast: pLast, patientNameText: name.text, dobText,
    reasonText: clin.reason, specialty: clin.specialty, urgencyText, referralDateText,
  };
}

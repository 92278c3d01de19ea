/** Non-referral faxes for the generator: lab reports, records and refill requests, marketing, blank pages. */
import { FIRST, LAST } from './data.ts';
import type { PageBuilder } from './builder.ts';
import type { Rng } from './rng.ts';

export type OtherKind = 'lab' | 'records' | 'refill' | 'marketing' | 'blank' | 'cover';

function lines(p: PageBuilder, x: number, y: number, rows: string[], size = 10, step = 15): void {
  rows.forEach((r, i) => p.text(x, y + i * step, r, size));
  p.endBlock();
}

export function otherPage(kind: Exclude<OtherKind, 'cover'>, p: PageBuilder, rng: Rng): void {
  const name = `${rng.pick(LAST)}, ${rng.pick(FIRST)}`;
  const dob = `${rng.int(1, 12)}/${rng.int(1, 28)}/${rng.int(1940, 2010)}`;
  switch (kind) {
    case 'lab':
      lines(p, 40, 40, [rng.pick(['LABORATORY REPORT', 'Lab Results', 'Clinical Laboratory Report']), `Patient: ${name}    DOB: ${dob}`,
        `Ordering Provider: Dr. ${rng.pick(FIRST)} ${rng.pick(LAST)}`, `Collected: 10/28/2025 08:12   Reported: 10/29/2025`]);
      lines(p, 40, 130, ['Test                 Result     Flag    Reference Range    Units',
        `Hemoglobin A1c       ${rng.int(5, 9)}.${rng.int(0, 9)}        H       4.0-5.6            %`,
        `Glucose              ${rng.int(80, 200)}                70-99              mg/dL`,
        `TSH                  ${rng.int(1, 4)}.${rng.int(0, 9)}                0.4-4.0            mIU/L`,
        `Creatinine           0.${rng.int(6, 9)}                0.6-1.2            mg/dL`], 9, 14);
      lines(p, 40, 240, ['Specimen: Serum. Results verified by laboratory director.']);
      return;
    case 'records':
      lines(p, 40, 50, [rng.pick(['REQUEST FOR MEDICAL RECORDS', 'Medical Records Request', 'Records Request']),
        `Patient Name: ${name}`, `Date of Birth: ${dob}`,
        'Please send copies of the following records for the dates of service listed:',
        'Office notes, lab results, imaging reports from 01/01/2024 to present.',
        'A signed authorization to release information is attached.', `Requested by: ${rng.pick(['Law offices of Smith & Lee', 'Disability Determination Services', 'Valley Orthopedics'])}`]);
      return;
    case 'refill':
      lines(p, 40, 50, [rng.pick(['PRESCRIPTION REFILL REQUEST', 'Refill Authorization Request', 'Rx Renewal Request']),
        `Pharmacy: ${rng.pick(['Walgreens #1234', 'CVS Pharmacy #8812', 'H-E-B Pharmacy'])}    Phone: (512) 555-0142`,
        `Patient: ${name}    DOB: ${dob}`, `Medication: ${rng.pick(['Lisinopril 10 mg tablet', 'Metformin 500 mg', 'Atorvastatin 20 mg'])}`,
        'Sig: Take 1 tablet by mouth daily   Qty: 90   Refills: 3', `Prescriber: Dr. ${rng.pick(FIRST)} ${rng.pick(LAST)}`,
        '[ ] Approved   [ ] Denied   Signature: ____________']);
      return;
    case 'marketing':
      lines(p, 60, 80, [rng.pick(['SPECIAL OFFER FOR MEDICAL OFFICES', 'Grow Your Practice Today!', 'ANNOUNCING OUR FREE SEMINAR']),
        'Limited time: save 30% on medical billing services. Call now: (800) 555-0100.',
        'Join our webinar on increasing patient referrals and revenue.',
        'To be removed from our fax list, call (800) 555-0101 or reply REMOVE.'], 12, 22);
      return;
    case 'blank':
      if (rng.chance(0.5)) p.text(rng.int(100, 400), rng.int(100, 600), rng.pick(['.', '-', "'"]), 6);
      return;
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

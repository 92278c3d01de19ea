/**
 * Specialties and services a referral is sent to, so a value can be recognised in
 * "Referred to: Dr. Lee, Cardiology" or a letter's "refer her to dermatology".
 * The value is kept as the document writes it (spec: "as written").
 */

import { levenshtein } from './edit-distance.ts';

export const SPECIALTIES: readonly string[] = [
  'Allergy and Immunology', 'Allergy/Immunology', 'Allergy', 'Audiology', 'Bariatric Surgery', 'Behavioral Health',
  'Cardiology', 'Cardiothoracic Surgery', 'Colorectal Surgery', 'Dermatology', 'Endocrinology', 'ENT',
  'Otolaryngology', 'Gastroenterology', 'General Surgery', 'Geriatrics', 'Gynecology', 'Hematology/Oncology',
  'Hematology', 'Hepatology', 'Infectious Disease', 'Nephrology', 'Neurology', 'Neurosurgery', 'Nutrition',
  'OB/GYN', 'Obstetrics and Gynecology', 'Obstetrics', 'Occupational Therapy', 'Oncology', 'Ophthalmology',
  'Optometry', 'Orthopedic Surgery', 'Orthopedics', 'Orthopaedics', 'Pain Management', 'Pediatrics',
  'Physical Medicine and Rehabilitation', 'Physical Therapy', 'Plastic Surgery', 'Podiatry', 'Psychiatry',
  'Psychology', 'Pulmonology', 'Pulmonary Medicine', 'Radiology', 'Rheumatology', 'Sleep Medicine',
  'Speech Therapy', 'Sports Medicine', 'Urology', 'Vascular Surgery', 'Wound Care', 'Spine Surgery',
  'Interventional Radiology', 'Medical Oncology', 'Radiation Oncology', 'Pediatric Cardiology',
  'Maternal-Fetal Medicine', 'Reproductive Endocrinology', 'Hand Surgery', 'Breast Surgery', 'Cardiac Surgery',
];

const SORTED = [...SPECIALTIES].sort((a, b) => b.length - a.length);
const PATTERN = new RegExp(String.raw`(?<![A-Za-z])(${SORTED.map((s) => s.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('|')})(?![A-Za-z])`, 'i');

/** The first specialty named in `text`, as written there, with its position. */
export function findSpecialty(text: string): { value: string; index: number } | null {
  const re = new RegExp(PATTERN.source, 'gi');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // An acronym ("ENT") counts only in capitals: "ent" is a piece of a word OCR split ("pati ent").
    if (m[1]!.length <= 3 && m[1] !== m[1]!.toUpperCase()) continue;
    return { value: m[1]!.replace(/\s+/g, ' '), index: m.index };
  }
  return null;
}

/**
 * The list's spelling of a specialty written in lower case ("orthopedics"), or the value
 * unchanged: on a scan a lower-case printed option or value is an OCR slip of its
 * capital (o/O, c/C, s/S differ only in size).
 */
export function capitalisedSpecialty(value: string): string {
  if (value !== value.toLowerCase()) return value;
  return SPECIALTIES.find((x) => x.toLowerCase() === value) ?? value;
}

/** A word that names a clinical discipline, in any of its written forms. */
const DISCIPLINE = /(olog(y|ic|ical|ist)|iatr(y|ic|ics)|(a|ae|e)dics?\b|surg(ery|ical)|medicine|therap(y|ies)|rehab|vascular|cardi|neuro|gastro|ortho|endocrin|derm|gyn|urolog|nephro|pulmon|oncol|hemato|rheumat|allerg|ophthalm|otolaryn|podiat|sleep|wound|nutrition|audiol|speech|\b(ent|gi|pt|ot|obgyn|ob\/gyn|endo|pulm|rheum|heme|onc|uro|psych|peds|cards)\b)/i;
/** Words that make a phrase an organisation's or a person's name rather than a service. */
const NOT_SERVICE = /\b(associates|group|llc|inc|pa|pllc|partners|institute|hospital|center|centre|specialists|network|system|university|dr|md|do|np|pa-c|fnp|aprn)\b\.?/i;

/**
 * A phrase written as a specialty or service ("Orthopaedic Surgery", "Mohs/Dermatologic
 * Surgery", "Heart & Vascular") though not on the list: short, no digits, names a
 * discipline, and is not an organisation or a person.
 */
export function specialtyLike(text: string): boolean {
  const t = text.trim();
  if (!t || /\d/.test(t) || t.split(/\s+/).length > 6 || !/^[A-Za-z]/.test(t)) return false;
  return DISCIPLINE.test(t) && !NOT_SERVICE.test(t);
}

/**
 * The listed specialty one OCR slip away from a single word of eight letters or more that
 * is none ("Gastioenterology", "Kephrology"), or null: the list's words are long and far
 * apart, so one slip does not land between two of them.
 */
export function nearSpecialty(word: string): string | null {
  if (!/^[A-Za-z]{8,}$/.test(word) || findSpecialty(word)) return null;
  const near = SPECIALTIES.filter((s) => !s.includes(' ') && levenshtein(s.toLowerCase(), word.toLowerCase()) === 1);
  return near.length === 1 ? near[0]! : null;
}


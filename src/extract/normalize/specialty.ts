/**
 * Specialties and services a referral is sent to, so a value can be recognised in
 * "Referred to: Dr. Lee, Cardiology" or a letter's "refer her to dermatology".
 * The value is kept as the document writes it (spec: "as written").
 */

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
  const m = PATTERN.exec(text);
  return m ? { value: m[1]!.replace(/\s+/g, ' '), index: m.index } : null;
}

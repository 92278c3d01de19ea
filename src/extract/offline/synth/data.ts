/**
 * Pools of synthetic people, places, payers and clinical reasons. Invented
 * combinations; no real patient data.
 */
import { npiCheckDigit } from '../../normalize/npi.ts';
import type { Rng } from './rng.ts';

export const FIRST = ['Maria', 'James', 'Linda', 'Robert', 'Patricia', 'Michael', 'Barbara', 'William', 'Elizabeth', 'David',
  'Jennifer', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Daniel', 'Nancy', 'Matthew',
  'Lisa', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna',
  'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah', 'Timothy', 'Aaliyah',
  'Nguyen', 'Priya', 'Mateo', 'Sofia', 'Wei', 'Fatima', 'Diego', 'Aiko', 'Olumide', 'Siobhan', 'Jean-Luc', "D'Andre", 'Zoe'];
export const LAST = ['Smith', 'Do', 'Ng', 'Pham', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King',
  'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell',
  "O'Brien", 'Van Dyke', 'Kowalski', 'Okafor', 'Tanaka', 'Patel', 'Schmidt', 'Dubois', 'Haddad', 'Nakamura', 'Fitzgerald',
  'Al-Sayed', 'McAllister'];
export const STREETS = ['Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Lakeview', 'Sunset', 'Hillcrest', 'Riverside', 'Park', 'Washington',
  'Lincoln', 'Jefferson', 'Highland', 'Meadow', 'Willow', 'Quail Ridge', 'Hampton', 'Briarwood', 'Forest'];
export const STREET_TYPES = ['St', 'Ave', 'Rd', 'Dr', 'Ln', 'Blvd', 'Ct', 'Way', 'Pkwy', 'Trl'];
export const PLACES: Array<[string, string, string]> = [
  ['Austin', 'TX', '787'], ['Round Rock', 'TX', '786'], ['Denver', 'CO', '802'], ['Portland', 'OR', '972'], ['Columbus', 'OH', '432'],
  ['Raleigh', 'NC', '276'], ['Madison', 'WI', '537'], ['Phoenix', 'AZ', '850'], ['Albany', 'NY', '122'], ['Boise', 'ID', '837'],
  ['Salt Lake City', 'UT', '841'], ['Nashville', 'TN', '372'], ['Tampa', 'FL', '336'], ['Spokane', 'WA', '992'], ['Omaha', 'NE', '681'],
  ['Des Moines', 'IA', '503'], ['Richmond', 'VA', '232'], ['Fort Worth', 'TX', '761'], ['San Jose', 'CA', '951'], ['Burlington', 'VT', '054'],
];
export const AREA = ['512', '737', '303', '503', '614', '919', '608', '602', '518', '208', '801', '615', '813', '509', '402', '515', '804', '817', '408', '802'];
export const PAYERS = ['Aetna', 'Blue Cross Blue Shield of Texas', 'UnitedHealthcare', 'Cigna', 'Humana', 'Medicare', 'Medicaid',
  'Ambetter', 'TRICARE East', 'Kaiser Permanente', 'Molina Healthcare', 'Anthem Blue Cross', 'Oscar Health', 'WellCare', 'Superior HealthPlan'];
export const PRACTICE_A = ['Cedar Park', 'Brushy Creek', 'Riverbend', 'Northside', 'Lakeshore', 'Hill Country', 'Summit', 'Valley',
  'Westlake', 'Oakwood', 'Pioneer', 'Heritage', 'Bayside', 'Greenway', 'Sunrise'];
export const PRACTICE_B = ['Family Medicine', 'Primary Care', 'Health Clinic', 'Medical Associates', 'Internal Medicine',
  'Pediatrics', 'Family Practice', 'Medical Group', 'Community Health Center', 'Physicians Group'];
export const CREDS = ['MD', 'DO', 'NP', 'PA-C', 'FNP-C', 'MD, FACP', 'MD, FAAFP'];

export interface Clinical {
  specialty: string;
  reason: string;
  codes: string[];
}
export const CLINICAL: Clinical[] = [
  { specialty: 'Orthopedics', reason: 'Right knee osteoarthritis with worsening pain', codes: ['M17.11'] },
  { specialty: 'Orthopedics', reason: 'Distal radius fracture, right wrist - fracture care', codes: ['S52.501A'] },
  { specialty: 'Cardiology', reason: 'Palpitations and abnormal ECG', codes: ['R00.2', 'R94.31'] },
  { specialty: 'Cardiology', reason: 'Atrial fibrillation, rate control evaluation', codes: ['I48.91'] },
  { specialty: 'Dermatology', reason: 'Eczema refractory to topical therapy', codes: ['L20.9'] },
  { specialty: 'Dermatology', reason: 'Changing pigmented lesion on back', codes: ['D48.5'] },
  { specialty: 'Gastroenterology', reason: 'Screening colonoscopy, family history of colon cancer', codes: ['Z12.11', 'Z80.0'] },
  { specialty: 'Gastroenterology', reason: 'Chronic GERD not responding to PPI', codes: ['K21.9'] },
  { specialty: 'Neurology', reason: 'Chronic migraine, frequent episodes', codes: ['G43.909'] },
  { specialty: 'Neurology', reason: 'Numbness and tingling in both hands', codes: ['G56.00'] },
  { specialty: 'Endocrinology', reason: 'Uncontrolled type 2 diabetes', codes: ['E11.65'] },
  { specialty: 'Endocrinology', reason: 'Thyroid nodule found on ultrasound', codes: ['E04.1'] },
  { specialty: 'Pulmonology', reason: 'Persistent cough and shortness of breath', codes: ['R05.9', 'R06.02'] },
  { specialty: 'Urology', reason: 'Elevated PSA', codes: ['R97.20'] },
  { specialty: 'Nephrology', reason: 'Chronic kidney disease stage 3', codes: ['N18.30'] },
  { specialty: 'Rheumatology', reason: 'Joint pain and positive rheumatoid factor', codes: ['M06.9'] },
  { specialty: 'Physical Therapy', reason: 'Low back pain, strengthening program', codes: ['M54.50'] },
  { specialty: 'Ophthalmology', reason: 'Cataract evaluation, blurred vision', codes: ['H26.9'] },
  { specialty: 'Otolaryngology', reason: 'Chronic sinusitis', codes: ['J32.9'] },
  { specialty: 'Psychiatry', reason: 'Generalized anxiety disorder, medication management', codes: ['F41.1'] },
  { specialty: 'Sleep Medicine', reason: 'Suspected obstructive sleep apnea', codes: ['G47.33'] },
  { specialty: 'General Surgery', reason: 'Symptomatic gallstones', codes: ['K80.20'] },
  { specialty: 'Podiatry', reason: 'Plantar fasciitis, left heel pain', codes: ['M72.2'] },
  { specialty: 'Hematology', reason: 'Iron deficiency anemia', codes: ['D50.9'] },
];

/** Specialties as referral forms actually write them. */
export const SPECIALTY_AS_WRITTEN: Record<string, string[]> = {
  Cardiology: ['Cardiology Consult', 'Heart & Vascular', 'Cardiovascular Medicine'],
  'Physical Therapy': ['Physical Therapy - Eval & Treat', 'PT Eval and Treat', 'Outpatient Rehabilitation'],
  Dermatology: ['Derm', 'Dermatology Clinic', 'Dermatologic Surgery', 'Cutaneous Surgery/Derm'],
  Endocrinology: ['Endocrinology & Diabetes', 'Endo', 'Endocrine & Metabolism'],
  Orthopedics: ['Orthopedic Surgery', 'Ortho - Sports Medicine', 'Orthopaedic Spine', 'Foot & Ankle Surgery'],
  Gastroenterology: ['GI', 'Gastroenterology/Hepatology'],
  Neurology: ['Neuromuscular Medicine', 'Headache Neurology'],
  Urology: ['Urologic Surgery'],
};

export function makeNpi(rng: Rng): string {
  const first9 = `1${rng.digits(8)}`;
  return `${first9}${npiCheckDigit(first9)}`;
}

export function makePhone(rng: Rng, area?: string): string {
  return `${area ?? rng.pick(AREA)}${rng.int(2, 9)}${rng.digits(6)}`;
}

/**
 * USPS state and territory codes (USPS Publication 28, appendix B) and ZIP codes.
 */

export const STATE_NAMES: Record<string, string> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado',
  CT: 'Connecticut', DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia',
  HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois', IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky',
  LA: 'Louisiana', ME: 'Maine', MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota',
  MS: 'Mississippi', MO: 'Missouri', MT: 'Montana', NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire',
  NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York', NC: 'North Carolina', ND: 'North Dakota',
  OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania', RI: 'Rhode Island', SC: 'South Carolina',
  SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas', UT: 'Utah', VT: 'Vermont', VA: 'Virginia',
  WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming',
  AS: 'American Samoa', GU: 'Guam', MP: 'Northern Mariana Islands', PR: 'Puerto Rico',
  VI: 'Virgin Islands', AA: 'Armed Forces Americas', AE: 'Armed Forces Europe', AP: 'Armed Forces Pacific',
};

const BY_NAME = new Map(Object.entries(STATE_NAMES).map(([code, name]) => [name.toLowerCase(), code]));

export function isStateCode(value: string): boolean {
  return Object.hasOwn(STATE_NAMES, value);
}

/** "tx", "Texas", "T.X." → "TX"; null when not a USPS code or name. */
export function normalizeState(raw: string): string | null {
  const s = raw.trim().replace(/[.,]/g, '');
  const upper = s.replace(/\s+/g, '').toUpperCase();
  if (upper.length === 2) {
    const fixed = upper.replace(/0/g, 'O').replace(/1/g, 'I').replace(/5/g, 'S');
    return isStateCode(fixed) ? fixed : null;
  }
  const name = s.replace(/\s+/g, ' ').toLowerCase();
  // OCR's l for a capital I: "lowa", "llinois", "ldaho".
  return BY_NAME.get(name) ?? (/^l[a-z]/.test(s) ? BY_NAME.get(`i${name.slice(1)}`) ?? null : null);
}

/** "78731-1234" → "78731"; OCR look-alikes repaired; null when not a ZIP. */
export function normalizeZip(raw: string): string | null {
  const s = raw.trim().replace(/[Oo]/g, '0').replace(/[lI|]/g, '1').replace(/S/g, '5').replace(/B/g, '8');
  // ZIP+4 whose extension OCR shortened ("53735-526") still gives its five digits.
  const m = /^(\d{5})(?:\s?-\s?\d{1,4})?$/.exec(s);
  if (!m || m[1] === '00000') return null;
  return m[1]!;
}

/** "Austin, TX 78731" → its parts, or null. */
export function parseCityStateZip(input: string): { city: string; state: string; postalCode: string } | null {
  // "FL33698": a state run into its ZIP.
  const raw = input.replace(/\b([A-Z]{2})(\d{5}(?:-\d{1,4})?)\s*$/, '$1 $2');
  // OCR look-alikes in the state ("C0") and the ZIP ("5037S-3024") are repaired by the normalisers.
  const m = /^\s*([A-Za-z][A-Za-z .'-]*?)\s*,?\s+([A-Za-z][A-Za-z0-9]|[0-9][A-Za-z]|[A-Za-z][a-z]+(?: [A-Za-z][a-z]+)?)\.?,?\s+([0-9OlISB]{5}(?:\s?-\s?[0-9OlISB]{1,4})?)\s*$/.exec(raw);
  if (!m) return null;
  const state = normalizeState(m[2]!);
  const postalCode = normalizeZip(m[3]!);
  if (!state || !postalCode) return null;
  return { city: m[1]!.trim().replace(/,$/, ''), state, postalCode };
}

/** USPS ZIP prefix (first three digits) ranges by state: [from, to, state]. */
const ZIP3: ReadonlyArray<readonly [number, number, string]> = [
  [5, 5, 'NY'], [6, 7, 'PR'], [8, 8, 'VI'], [9, 9, 'PR'], [10, 27, 'MA'], [28, 29, 'RI'], [30, 38, 'NH'], [39, 49, 'ME'],
  [50, 59, 'VT'], [60, 69, 'CT'], [70, 89, 'NJ'], [100, 149, 'NY'], [150, 196, 'PA'], [197, 199, 'DE'], [200, 205, 'DC'],
  [206, 219, 'MD'], [220, 246, 'VA'], [247, 268, 'WV'], [270, 289, 'NC'], [290, 299, 'SC'], [300, 319, 'GA'], [320, 349, 'FL'],
  [350, 369, 'AL'], [370, 385, 'TN'], [386, 397, 'MS'], [398, 399, 'GA'], [400, 427, 'KY'], [430, 459, 'OH'], [460, 479, 'IN'],
  [480, 499, 'MI'], [500, 528, 'IA'], [530, 549, 'WI'], [550, 567, 'MN'], [570, 577, 'SD'], [580, 588, 'ND'], [590, 599, 'MT'],
  [600, 629, 'IL'], [630, 658, 'MO'], [660, 679, 'KS'], [680, 693, 'NE'], [700, 715, 'LA'], [716, 729, 'AR'], [730, 749, 'OK'],
  [750, 799, 'TX'], [800, 816, 'CO'], [820, 831, 'WY'], [832, 838, 'ID'], [840, 847, 'UT'], [850, 865, 'AZ'], [870, 884, 'NM'],
  [885, 885, 'TX'], [889, 898, 'NV'], [900, 961, 'CA'], [967, 968, 'HI'], [970, 979, 'OR'], [980, 994, 'WA'], [995, 999, 'AK'],
];

/** The state a 5-digit ZIP belongs to, from its USPS prefix; null for prefixes not listed (military, unassigned). */
export function stateForZip(zip: string): string | null {
  if (!/^\d{5}$/.test(zip)) return null;
  const p = Number(zip.slice(0, 3));
  return ZIP3.find(([a, b]) => p >= a && p <= b)?.[2] ?? null;
}

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
  return BY_NAME.get(s.replace(/\s+/g, ' ').toLowerCase()) ?? null;
}

/** "78731-1234" → "78731"; OCR look-alikes repaired; null when not a ZIP. */
export function normalizeZip(raw: string): string | null {
  const s = raw.trim().replace(/[Oo]/g, '0').replace(/[lI|]/g, '1').replace(/S/g, '5');
  const m = /^(\d{5})(?:\s?-\s?\d{4})?$/.exec(s);
  if (!m || m[1] === '00000') return null;
  return m[1]!;
}

/** "Austin, TX 78731" → its parts, or null. */
export function parseCityStateZip(raw: string): { city: string; state: string; postalCode: string } | null {
  const m = /^\s*([A-Za-z][A-Za-z .'-]*?)\s*,?\s+([A-Za-z]{2}|[A-Za-z][a-z]+(?: [A-Za-z][a-z]+)?)\.?,?\s+([0-9OlI]{5}(?:\s?-\s?\d{4})?)\s*$/.exec(raw);
  if (!m) return null;
  const state = normalizeState(m[2]!);
  const postalCode = normalizeZip(m[3]!);
  if (!state || !postalCode) return null;
  return { city: m[1]!.trim().replace(/,$/, ''), state, postalCode };
}

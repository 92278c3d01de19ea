/**
 * Common US health plans and payers, as they write their own names. Used only to
 * repair an OCR slip in a payer read from a document ("Cgna", "Mcdicare",
 * "WellCore"): a name one letter off a listed one, and off no other, is that one.
 * A payer that is not listed is kept as written.
 */
export const COMMON_PAYERS: readonly string[] = [
  'Aetna', 'Aetna Better Health', 'Aetna Medicare', 'Allied Benefit Systems', 'Ambetter', 'Amerigroup', 'Anthem',
  'Anthem Blue Cross', 'Anthem Blue Cross Blue Shield', 'Baylor Scott & White Health Plan', 'BCBS of Texas',
  'Blue Cross Blue Shield', 'Blue Cross Blue Shield of Texas', 'Blue Cross Blue Shield of Illinois', 'Blue Shield of California',
  'Bright Health', 'CareFirst', 'CareSource', 'Centene', 'Cigna', 'Cigna Healthcare', 'Clover Health', 'Community Health Choice',
  'Cook Children\'s Health Plan', 'Devoted Health', 'EmblemHealth', 'Excellus', 'Fidelis Care', 'Florida Blue',
  'Geisinger Health Plan', 'Harvard Pilgrim', 'Health Net', 'Healthfirst', 'Highmark', 'Highmark Blue Cross Blue Shield',
  'Humana', 'Humana Gold Plus', 'Independence Blue Cross', 'Kaiser Permanente', 'Medicaid', 'Medical Mutual', 'Medicare',
  'Medicare Advantage', 'Molina Healthcare', 'Oscar Health', 'Parkland Community Health Plan', 'Premera Blue Cross',
  'Priority Health', 'Regence BlueShield', 'SCAN Health Plan', 'Scott & White Health Plan', 'SelectHealth',
  'Superior HealthPlan', 'Texas Children\'s Health Plan', 'TRICARE', 'TRICARE East', 'TRICARE West', 'TRICARE For Life',
  'Tufts Health Plan', 'UnitedHealthcare', 'UnitedHealthcare Community Plan', 'UnitedHealthcare Medicare Advantage',
  'WellCare', 'Wellmark Blue Cross Blue Shield',
];

function casingSlips(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    let rowMin = prev[0];
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
      rowMin = Math.min(rowMin, prev[j]!);
    }
    if (rowMin > max) return max + 1;
  }
  return prev[b.length]!;
}

/** Whether the name is a listed payer's, case aside. */
export function isListedPayer(text: string): boolean {
  const low = text.trim().toLowerCase();
  return COMMON_PAYERS.some((p) => p.toLowerCase() === low);
}

/**
 * The listed payer a read name is an OCR slip of, or null: one edit (two in a
 * name of 14 letters or more), ignoring case, and no other listed payer as close.
 * A name equal to a listed one, or not close to any, gives null.
 */
export function repairPayer(text: string): string | null {
  const t = text.trim();
  if (t.length < 4) return null;
  const low = t.toLowerCase();
  const max = t.length >= 14 ? 2 : 1;
  let best: string | null = null;
  let bestD = max + 1;
  let tie = false;
  for (const p of COMMON_PAYERS) {
    const pl = p.toLowerCase();
    // The listed name with one letter in the wrong case ("OScar Health", "Molina HealthcarE"): its own spelling.
    // A name in capitals throughout is a style, kept as written.
    if (pl === low) return t !== p && t !== t.toUpperCase() && casingSlips(t, p) === 1 ? p : null;
    const d = distance(low, pl, max);
    if (d < bestD) {
      best = p;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return best && bestD <= max && !tie ? best : null;
}

// Blood glucose in the two units labs report. The types exist only in TypeScript: the report must
// point at these lines, not at the compiled JavaScript.
export type Unit = 'mg/dL' | 'mmol/L';

export interface Reading {
  value: number;
  unit: Unit;
}

/** mg/dL per mmol/L for glucose (molar mass 180.16 g/mol). */
const MG_DL_PER_MMOL_L = 18.016;

export function toMmolPerL(reading: Reading): number {
  if (reading.unit === 'mmol/L') {
    return reading.value;
  }
  const mmol: number = reading.value / MG_DL_PER_MMOL_L;
  return Math.round(mmol * 10) / 10;
}

export function classify(reading: Reading): 'low' | 'normal' | 'high' {
  const mmol = toMmolPerL(reading);
  if (mmol < 3.9) return 'low';
  if (mmol > 10) return 'high';
  return 'normal';
}

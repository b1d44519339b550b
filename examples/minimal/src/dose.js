// A tiny dosing calculator: the kind of unit a clinical-lab suite verifies.
export function doseMg(weightKg, mgPerKg, maxMg) {
  if (!(weightKg > 0)) throw new RangeError('weight must be positive');
  return Math.min(Math.round(weightKg * mgPerKg * 10) / 10, maxMg);
}

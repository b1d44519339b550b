// Infusion pump rate: the kind of unit whose tests an IEC 62304 file traces to requirements.
export const MAX_RATE_ML_H = 999;

export function rateMlPerHour(volumeMl, minutes) {
  if (!(volumeMl > 0) || !(minutes > 0)) throw new RangeError('volume and time must be positive');
  return Math.min((volumeMl * 60) / minutes, MAX_RATE_ML_H);
}

export function displayRate(mlPerHour) {
  return `${(Math.round(mlPerHour * 10) / 10).toFixed(1)} mL/h`;
}

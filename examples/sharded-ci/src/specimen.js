// Specimen handling in a lab: small functions, one test file each, so that four shards have work.
const TUBES = { lavender: 'EDTA', gold: 'SST', lightblue: 'citrate', gray: 'fluoride' };

export function accession(site, year, seq) {
  if (!/^[A-Z]{3}$/.test(site)) throw new TypeError(`site code must be three capitals, got ${site}`);
  return `${site}${String(year).slice(-2)}-${String(seq).padStart(6, '0')}`;
}

export function additive(cap) {
  const a = TUBES[cap];
  if (a === undefined) throw new RangeError(`unknown tube cap ${cap}`);
  return a;
}

export function stableFor(analyte, celsius) {
  if (analyte === 'glucose') return celsius <= 8 ? 72 : 2;
  if (analyte === 'potassium') return celsius <= 8 ? 24 : 4;
  return 0;
}

export function rejectReasons(specimen) {
  const reasons = [];
  if (specimen.hemolyzed) reasons.push('hemolyzed');
  if (specimen.ageHours > stableFor(specimen.analyte, specimen.celsius)) reasons.push('too old');
  if (!specimen.label) reasons.push('unlabelled');
  return reasons;
}

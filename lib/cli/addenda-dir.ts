// The addenda of a run directory on disk (addenda/NNN/annotations.json), for annotate and render.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ADDENDA_DIR, ADDENDUM_DATA, parseAddendum, type AddendumDoc } from '../evidence/addenda.js';

/** Every addenda/NNN directory, in order, with its annotations when readable and valid (verify reports the others). */
export function addendaOnDisk(dir: string): Array<{ name: string; doc: AddendumDoc | undefined }> {
  let names: string[];
  try {
    names = readdirSync(path.join(dir, ADDENDA_DIR)).filter((n) => /^\d{3,}$/.test(n)).sort();
  } catch {
    return []; // no addenda yet
  }
  return names.map((name) => {
    try {
      return { name, doc: parseAddendum(readFileSync(path.join(dir, ADDENDA_DIR, name, ADDENDUM_DATA))).doc };
    } catch {
      return { name, doc: undefined };
    }
  });
}

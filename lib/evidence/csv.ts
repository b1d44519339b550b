// RFC 4180 CSV, both ways. Reading reports the line of each record; writing quotes when needed and
// defuses spreadsheet formulas, since these files are opened in Excel by the people who audit them.

export interface CsvRow {
  cells: string[];
  /** 1-based line where the record starts. */
  line: number;
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export function parseCsv(text: string): CsvRow[] {
  const src = text.replace(/^\uFEFF/, '');
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endCell = (): void => {
    cells.push(cell);
    cell = '';
    wasQuoted = false;
  };
  const endRow = (): void => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ cells, line: start });
    cells = [];
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      if (cell !== '' || wasQuoted) throw new CsvError(`line ${line}: a quote inside an unquoted field (quote the whole field and double inner quotes)`, line);
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      start = line;
    } else {
      if (wasQuoted) throw new CsvError(`line ${line}: text after a closing quote`, line);
      cell += c;
    }
  }
  if (quoted) throw new CsvError(`line ${start}: a quoted field is never closed`, start);
  if (cell !== '' || cells.length > 0 || wasQuoted) endRow();
  return rows;
}

/** One CSV field: quoted when it holds a comma, quote or line break; formula starters get a leading '. */
export function csvCell(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvText(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  return rows.map((r) => r.map(csvCell).join(',') + '\n').join('');
}

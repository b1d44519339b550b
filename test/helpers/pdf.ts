// Reads a PDF in JavaScript (pdfjs-dist, a devDependency; its legacy build runs on Node 20+ without a
// DOM): the page sizes, each page's text and what the first page draws. No poppler needed.
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfPage {
  /** In points (A4: 595.92 x 842.88 as Chromium prints it). */
  width: number;
  height: number;
  /** The text, items in content order, a newline where the item ends a line. */
  text: string;
  /** How many text-showing and path-filling operators the page has (it draws something). */
  textOps: number;
  fillOps: number;
}

export async function readPdf(bytes: Uint8Array): Promise<PdfPage[]> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  try {
    const pages: PdfPage[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const { width, height } = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const text = content.items.map((it) => ('str' in it ? it.str + (it.hasEOL ? '\n' : '') : '')).join('');
      const ops = (await page.getOperatorList()).fnArray;
      const count = (set: number[]): number => ops.filter((op) => set.includes(op)).length;
      pages.push({ width, height, text, textOps: count([OPS.showText, OPS.showSpacedText]), fillOps: count([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.constructPath]) });
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

/** Text without any whitespace: pdf text splits and joins words where the layout put them. */
export const squeeze = (s: string): string => s.replace(/\s+/g, '');

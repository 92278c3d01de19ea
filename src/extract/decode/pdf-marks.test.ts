/**
 * Checkboxes drawn as vector paths in a digital PDF become "☒"/"☐" words in
 * the text layout: ticked with an X, a check mark, a filled square, a radio dot,
 * or a typed "X" glyph; empty boxes stay empty; table rules and text are not boxes.
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { recordingOcr } from '../../../test/helpers/fake-ocr.ts';
import { layoutLines } from '../layout.ts';
import { checkboxWords } from './pdf-marks.ts';
import { decodeDocument, type DecodeOptions } from './index.ts';

const OPTIONS: DecodeOptions = { maxBytes: 50 * 1024 * 1024, maxPages: 10, maxPagePixels: 60_000_000, pageTimeoutMs: 60_000 };

type Mark = 'x' | 'check' | 'fill' | 'glyph' | 'none';

async function formPdf(rows: Array<{ y: number; options: Array<{ label: string; mark: Mark; radio?: boolean }> }>): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([612, 792]);
  page.drawText('OUTPATIENT CONSULT REQUEST - please mark one option in each row of the form below', { x: 40, y: 740, size: 10, font });
  // A table rule and a long line: not boxes.
  page.drawLine({ start: { x: 40, y: 720 }, end: { x: 572, y: 720 }, thickness: 1 });
  page.drawRectangle({ x: 40, y: 300, width: 532, height: 60, borderColor: rgb(0, 0, 0), borderWidth: 1 });
  for (const row of rows) {
    let x = 40;
    for (const o of row.options) {
      const box = { x, y: row.y - 1, size: 9 };
      if (o.radio) {
        page.drawEllipse({ x: box.x + 4.5, y: box.y + 4.5, xScale: 4.5, yScale: 4.5, borderColor: rgb(0, 0, 0), borderWidth: 0.8 });
        if (o.mark !== 'none') page.drawEllipse({ x: box.x + 4.5, y: box.y + 4.5, xScale: 2.2, yScale: 2.2, color: rgb(0, 0, 0) });
      } else if (o.mark === 'fill') {
        page.drawRectangle({ x: box.x, y: box.y, width: box.size, height: box.size, color: rgb(0.1, 0.1, 0.1), borderColor: rgb(0, 0, 0), borderWidth: 0.8 });
      } else {
        page.drawRectangle({ x: box.x, y: box.y, width: box.size, height: box.size, borderColor: rgb(0, 0, 0), borderWidth: 0.8 });
      }
      if (o.mark === 'x') {
        page.drawLine({ start: { x: box.x + 2, y: box.y + 2 }, end: { x: box.x + 7, y: box.y + 7 }, thickness: 1 });
        page.drawLine({ start: { x: box.x + 2, y: box.y + 7 }, end: { x: box.x + 7, y: box.y + 2 }, thickness: 1 });
      } else if (o.mark === 'check') {
        page.drawSvgPath('M 2 5 L 4 8 L 8 1', { x: box.x, y: box.y + 9, borderColor: rgb(0, 0, 0), borderWidth: 1 });
      } else if (o.mark === 'glyph') {
        page.drawText('X', { x: box.x + 1.8, y: box.y + 1.5, size: 8, font });
      }
      page.drawText(o.label, { x: x + 14, y: row.y, size: 10, font });
      x += 20 + font.widthOfTextAtSize(o.label, 10) + 30;
    }
  }
  return pdf.save();
}

async function lines(bytes: Uint8Array): Promise<string[]> {
  const layout = await decodeDocument(bytes, OPTIONS, { ocr: recordingOcr() });
  expect(layout.pages[0]?.source).toBe('text');
  // Options spaced across the page may form lines of their own: read them in order, one string.
  return [layoutLines({ ...layout, pages: [layout.pages[0]!] }).map((l) => l.words.map((w) => w.text).join(' ')).join(' ')];
}

describe('checkboxes drawn as paths in a digital PDF', () => {
  it('reads crossed, checked, filled and typed-X boxes as marked and the rest as empty', async () => {
    const text = await lines(
      await formPdf([
        { y: 680, options: [{ label: 'Routine', mark: 'none' }, { label: 'Urgent', mark: 'x' }, { label: 'Emergent', mark: 'none' }] },
        { y: 650, options: [{ label: 'Cardiology', mark: 'none' }, { label: 'Neurology', mark: 'check' }] },
        { y: 620, options: [{ label: 'Male', mark: 'fill' }, { label: 'Female', mark: 'none' }] },
        { y: 590, options: [{ label: 'Evaluate', mark: 'glyph' }, { label: 'Treat', mark: 'none' }] },
      ]),
    ).then((l) => l.join(' '));
    expect(text).toContain('☐ Routine ☒ Urgent ☐ Emergent');
    expect(text).toContain('☐ Cardiology ☒ Neurology');
    expect(text).toContain('☒ Male ☐ Female');
    expect(text).toContain('☒ Evaluate ☐ Treat');
    // The typed X was absorbed into its box, not left as a word of its own.
    expect(text).not.toMatch(/\bX\b/);
    // The table frame and the rule are not boxes.
    expect((text.match(/[☒☐]/g) ?? []).length).toBe(9);
  });

  it('reads radio buttons: the dotted circle is marked', async () => {
    const text = await lines(await formPdf([{ y: 680, options: [{ label: 'Yes', mark: 'none', radio: true }, { label: 'No', mark: 'fill', radio: true }] }]));
    expect(text.join('\n')).toContain('☐ Yes ☒ No');
  });

  it('a page with no drawn boxes keeps its words unchanged', async () => {
    const text = await lines(await formPdf([]));
    expect(text.join('\n')).not.toMatch(/[☒☐]/);
  });

  it('ignores specks and shapes that are not box-sized', () => {
    const shape = (bbox: [number, number, number, number], filled = false) => ({ bbox, closed: true, filled, dark: filled });
    const { boxes } = checkboxWords([shape([10, 10, 19, 19]), shape([14, 14, 14.5, 14.5], true), shape([100, 10, 140, 19]), shape([200, 10, 201, 30])], []);
    expect(boxes.map((b) => b.text)).toEqual(['☐']);
  });
});

/**
 * The rendered generated set for bench:extract: generated referrals (and other
 * faxes) drawn as fine and standard G4 faxes, gray scans and JPEG photos
 * (src/extract/offline/synth/render.ts), then decoded by the product's decoder
 * with real OCR. Layouts are cached under bench/out/rendered-layouts/ by seed,
 * index and renderer version, since OCR of a few hundred pages takes minutes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../src/config/config.ts';
import { decodeDocument, decodeOptionsFromConfig } from '../src/extract/decode/index.ts';
import type { FieldKey, FieldValue } from '../src/extract/fields.ts';
import type { DocumentLayout, LayoutPage } from '../src/extract/layout.ts';
import type { OcrEngine } from '../src/extract/ocr/index.ts';
import { generateDoc } from '../src/extract/offline/synth/generate.ts';
import { RENDER_STYLES, renderPage, type RenderStyle } from '../src/extract/offline/synth/render.ts';

/** The generator's "today" for rendered sets: fixed, so cached layouts keep matching their truth. */
export const RENDERED_TODAY = new Date('2026-11-01T00:00:00Z');

/** Bump when the renderer or the decoder changes (5: OCR'd lines read twice; 6: second reading cut on white, tall lines scaled less; 7: lines the page reading missed read again), so cached layouts of the old rendering are not reused. */
const RENDER_VERSION = 7;

export interface RenderedDoc {
  id: string;
  style: RenderStyle;
  documentType: 'referral' | 'other';
  fields: Partial<Record<FieldKey, FieldValue>>;
  layout: DocumentLayout;
  decodeMs: number;
}

async function decodeRendered(pages: LayoutPage[], style: RenderStyle, seed: number, config: Config, ocr: OcrEngine): Promise<DocumentLayout> {
  const out: LayoutPage[] = [];
  let format: DocumentLayout['format'] = 'tiff';
  for (const [i, page] of pages.entries()) {
    const rendered = await renderPage(page, style, seed * 31 + i);
    const layout = await decodeDocument(rendered.bytes, decodeOptionsFromConfig(config), { ocr });
    format = layout.format;
    for (const p of layout.pages) out.push({ ...p, pageNumber: out.length + 1 });
  }
  return { format, pages: out, decodeMs: 0 };
}

/** `count` documents from `seed`, styles in turn; `workers` decode at once. */
export async function renderedCorpus(opts: { count: number; seed: number; cacheDir: string; config: Config; ocr: () => Promise<OcrEngine>; workers: number }): Promise<RenderedDoc[]> {
  const out: RenderedDoc[] = new Array(opts.count);
  mkdirSync(opts.cacheDir, { recursive: true });
  let next = 0;
  let done = 0;
  const work = async () => {
    while (next < opts.count) {
      const i = next++;
      const docSeed = opts.seed * 100_003 + i;
      const style = RENDER_STYLES[i % RENDER_STYLES.length]!;
      // The clean layout is the drawing; truth comes with it.
      const doc = generateDoc(docSeed, RENDERED_TODAY, { quality: 'digital' });
      const cached = path.join(opts.cacheDir, `v${RENDER_VERSION}-${docSeed}-${style}.json`);
      let layout: DocumentLayout;
      let decodeMs: number;
      if (existsSync(cached)) {
        ({ layout, decodeMs } = JSON.parse(readFileSync(cached, 'utf8')) as { layout: DocumentLayout; decodeMs: number });
      } else {
        const started = performance.now();
        layout = await decodeRendered(doc.layout.pages, style, docSeed, opts.config, await opts.ocr());
        decodeMs = performance.now() - started;
        writeFileSync(cached, JSON.stringify({ layout, decodeMs }));
      }
      out[i] = { id: `r${docSeed}-${style}`, style, documentType: doc.documentType, fields: doc.fields, layout, decodeMs };
      done += 1;
      if (done % 25 === 0) process.stderr.write(`rendered set: ${done}/${opts.count}\n`);
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, work));
  return out;
}

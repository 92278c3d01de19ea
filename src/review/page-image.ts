/**
 * One page of an original as a PNG for the reviewer, optionally with the
 * evidence boxes drawn (sharp composite of an SVG overlay). Decoding reuses the
 * decode stage's hardened readers (src/extract/decode: pdfjs legacy build,
 * sharp for TIFF and images) with the same limits; the page is scaled to a
 * screen resolution (default about 110 dpi) so boxes, given in PDF points from
 * the page's top-left, land at point × dpi / 72.
 */
import sharp from 'sharp';
import type { Config } from '../config/config.ts';
import { IntakeError } from '../core/errors.ts';
import { detectFormat } from '../extract/detect-format.ts';
import { decodeImage } from '../extract/decode/image.ts';
import { decodeOptionsFromConfig, type DecodeOptions } from '../extract/decode/limits.ts';
import { openPdf } from '../extract/decode/pdf.ts';
import type { GrayRaster } from '../extract/decode/raster.ts';
import { decodeTiffPage, readTiffPages } from '../extract/decode/tiff.ts';
import type { PageRenderer, PageRenderOptions } from './api/env.ts';

async function decodePage(bytes: Uint8Array, page: number, options: DecodeOptions): Promise<GrayRaster> {
  const noPage = (pages: number) =>
    new IntakeError('NOT_FOUND', 'no such page', { details: { page, pageCount: pages } });
  switch (detectFormat(bytes)) {
    case 'pdf': {
      const pdf = await openPdf(bytes, options);
      try {
        if (page > pdf.numPages) throw noPage(pdf.numPages);
        return await pdf.render(page);
      } finally {
        await pdf.close();
      }
    }
    case 'tiff': {
      const pages = readTiffPages(bytes, options);
      const info = pages[page - 1];
      if (!info) throw noPage(pages.length);
      return decodeTiffPage(bytes, page - 1, info, options);
    }
    case 'png':
    case 'jpeg':
      if (page !== 1) throw noPage(1);
      return decodeImage(bytes, options);
    case null:
      throw new IntakeError('UNSUPPORTED_FORMAT', 'the original is not a PDF, TIFF, PNG or JPEG');
  }
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function boxesSvg(width: number, height: number, dpi: number, boxes: PageRenderOptions['boxes']): string {
  const k = dpi / 72;
  const rects = boxes
    .map(({ bbox: [x0, y0, x1, y1], label, weak }) => {
      const x = Math.max(0, Math.round(x0 * k) - 2);
      const y = Math.max(0, Math.round(y0 * k) - 2);
      const w = Math.max(1, Math.round((x1 - x0) * k) + 4);
      const h = Math.max(1, Math.round((y1 - y0) * k) + 4);
      const colour = weak ? '#d9480f' : '#1971c2';
      return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${colour}" fill-opacity="0.12" stroke="${colour}" stroke-width="2"><title>${escapeXml(label)}</title></rect>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${rects}</svg>`;
}

export function createPageRenderer(config: Config): PageRenderer {
  const options = decodeOptionsFromConfig(config);
  return async ({ bytes, page, boxes, dpi }) => {
    const raster = await decodePage(bytes, page, options);
    const width = Math.max(1, Math.round((raster.width * dpi) / raster.dpiX));
    const height = Math.max(1, Math.round((raster.height * dpi) / raster.dpiY));
    let image = sharp(Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength), {
      raw: { width: raster.width, height: raster.height, channels: 1 },
    }).resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
    if (boxes.length) {
      // Composite needs a concrete size: materialise the resized page first.
      const base = await image.toColourspace('srgb').png().toBuffer();
      image = sharp(base).composite([{ input: Buffer.from(boxesSvg(width, height, dpi, boxes)), top: 0, left: 0 }]);
    }
    return image.png({ compressionLevel: 6 }).toBuffer();
  };
}

/**
 * Multi-page TIFF faxes: every page (IFD), CCITT G3/G4, LZW, PackBits or
 * uncompressed; photometric (min-is-white/black) and fill-order quirks are
 * handled by libtiff inside sharp, which decodes a G4 page in about 13 ms. The
 * tags are read with utif2 (about 1 ms) because sharp reports no vertical
 * resolution, which is what tells a 204x98 "standard" fax from a fine one.
 */
import sharp from 'sharp';
import UTIF from 'utif2';
import { IntakeError, coerceError } from '../../core/errors.ts';
import { checkPages, checkPixels, type DecodeOptions } from './limits.ts';
import type { GrayRaster, RasterKind } from './raster.ts';

export interface TiffPageInfo {
  width: number;
  height: number;
  dpiX: number;
  dpiY: number;
  kind: RasterKind;
}

const FAX_WIDTHS = new Set([1728, 2048, 2432, 3456]);

function tagNumber(ifd: Record<string, unknown>, tag: string): number | undefined {
  const v = ifd[tag];
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return undefined;
}

/** Reads the page directories (no pixel data) and checks page and pixel limits. */
export function readTiffPages(bytes: Uint8Array, options: DecodeOptions): TiffPageInfo[] {
  let ifds: Array<Record<string, unknown>>;
  try {
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    ifds = UTIF.decode(buf) as unknown as Array<Record<string, unknown>>;
  } catch (error) {
    throw new IntakeError('TIFF_CORRUPT', 'TIFF structure could not be read', { cause: coerceError(error) });
  }
  if (ifds.length === 0) throw new IntakeError('TIFF_CORRUPT', 'TIFF has no pages');
  checkPages(ifds.length, options);
  return ifds.map((ifd, i) => {
    const width = tagNumber(ifd, 't256');
    const height = tagNumber(ifd, 't257');
    if (!width || !height || width < 1 || height < 1) {
      throw new IntakeError('TIFF_CORRUPT', 'TIFF page has no size', { details: { pageNumber: i + 1 } });
    }
    checkPixels(width, height, options, i + 1);
    const compression = tagNumber(ifd, 't259') ?? 1;
    const bits = tagNumber(ifd, 't258') ?? 1;
    const ccitt = compression === 2 || compression === 3 || compression === 4;
    const faxLike = ccitt || (bits === 1 && FAX_WIDTHS.has(width));
    const unit = tagNumber(ifd, 't296') ?? 2;
    const toInch = unit === 3 ? 2.54 : 1;
    let dpiX = (tagNumber(ifd, 't282') ?? 0) * toInch;
    let dpiY = (tagNumber(ifd, 't283') ?? 0) * toInch;
    // Spec: assume 204x196 for fax TIFFs lacking tags (or with "no unit" aspect-only tags), 72 otherwise.
    if (!(dpiX > 1 && dpiY > 1) || unit === 1) {
      if (faxLike) {
        const aspect = dpiX > 0 && dpiY > 0 ? dpiX / dpiY : width / height > 1.2 ? 2 : 1;
        dpiX = 204;
        dpiY = aspect > 1.5 ? 98 : 196;
      } else {
        dpiX = 72;
        dpiY = 72;
      }
    }
    return { width, height, dpiX, dpiY, kind: bits === 1 ? 'fax' : 'scan' };
  });
}

/** Decodes one page (0-based) to 8-bit gray. A damaged strip is TIFF_CORRUPT. */
export async function decodeTiffPage(bytes: Uint8Array, index: number, info: TiffPageInfo, options: DecodeOptions): Promise<GrayRaster> {
  try {
    const { data, info: out } = await sharp(bytes, { page: index, pages: 1, limitInputPixels: options.maxPagePixels, failOn: 'warning' })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      width: out.width,
      height: out.height,
      data: new Uint8Array(data.buffer, data.byteOffset, out.width * out.height),
      dpiX: info.dpiX,
      dpiY: info.dpiY,
    };
  } catch (error) {
    const err = coerceError(error);
    if (/pixel limit/i.test(err.message)) {
      throw new IntakeError('LIMIT_PIXELS', 'page has too many pixels', { cause: err, details: { pageNumber: index + 1 } });
    }
    throw new IntakeError('TIFF_CORRUPT', 'TIFF page could not be decoded', { cause: err, details: { pageNumber: index + 1 } });
  }
}

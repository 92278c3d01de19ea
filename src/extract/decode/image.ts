/**
 * Phone photos and other single images (JPEG, PNG): EXIF orientation honoured
 * (sharp's rotate() with no angle), converted to gray; the page size comes from
 * the image's density, or 72 dpi when it has none (spec: pixels / dpi x 72).
 */
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { IntakeError, coerceError } from '../../core/errors.ts';
import { checkPixels, type DecodeOptions } from './limits.ts';
import type { GrayRaster } from './raster.ts';

export async function decodeImage(bytes: Uint8Array, options: DecodeOptions): Promise<GrayRaster> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new IntakeError('IMAGE_CORRUPT', 'image could not be read', { cause: coerceError(error) });
  }
  if (!meta.width || !meta.height) throw new IntakeError('IMAGE_CORRUPT', 'image has no size');
  // Checked on the header before any pixel is decoded (decompression bombs).
  checkPixels(meta.width, meta.height, options, 1);
  const dpi = meta.density && meta.density > 1 ? meta.density : 72;
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: options.maxPagePixels, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`unexpected channel count ${info.channels}`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height),
      dpiX: dpi,
      dpiY: dpi,
    };
  } catch (error) {
    throw new IntakeError('IMAGE_CORRUPT', 'image could not be decoded', { cause: coerceError(error) });
  }
}

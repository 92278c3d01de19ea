import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('config', () => {
  it('applies safe defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.INTAKE_DATA_DIR).toBe('./data');
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.REVIEW_THRESHOLD).toBe(0.95);
    expect(config.OCR_ENGINE).toBe('tesseractjs');
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable in one CONFIG_INVALID error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', REVIEW_THRESHOLD: '1.5', DATABASE_URL: 'not a url', OCR_ENGINE: 'gpu' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    const message = (error as Error).message;
    for (const name of ['PORT', 'REVIEW_THRESHOLD', 'DATABASE_URL', 'OCR_ENGINE']) expect(message).toContain(name);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(8080);
  });

  it('parses booleans strictly', () => {
    expect(loadConfig({ IMAP_TLS: 'false' }).IMAP_TLS).toBe(false);
    expect(() => loadConfig({ IMAP_TLS: 'maybe' })).toThrow(/IMAP_TLS/);
  });
});

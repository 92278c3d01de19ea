import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination: stream }) };
}

describe('logger redaction', () => {
  it('redacts patient fields wherever they slip into a log object', () => {
    const { lines, logger } = capture();
    logger.info(
      { documentId: 'd1', firstName: 'Jane', dob: '1962-03-14', patient: { lastName: 'Doe', phone: '5125550100' }, fields: { x: 1 } },
      'stage completed',
    );
    const out = lines.join('');
    expect(out).toContain('"documentId":"d1"');
    expect(out).toContain('stage completed');
    for (const phi of ['Jane', '1962-03-14', 'Doe', '5125550100']) expect(out).not.toContain(phi);
  });

  it('redacts bearer tokens in request headers', () => {
    const { lines, logger } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer secret-token' } } }, 'request');
    expect(lines.join('')).not.toContain('secret-token');
  });
});

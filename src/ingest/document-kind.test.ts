import { describe, expect, it } from 'vitest';
import { classifyDocument } from './document-kind.ts';

describe('classifyDocument', () => {
  it('trusts magic numbers over names and declared types', () => {
    expect(classifyDocument(Buffer.from('%PDF-1.7\n'), 'application/octet-stream', 'scan.bin')).toBe('supported');
    expect(classifyDocument(Buffer.from([0x49, 0x49, 0x2a, 0x00, 1]), null, null)).toBe('supported');
    expect(classifyDocument(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'text/plain', 'x.txt')).toBe('supported');
  });

  it('takes in what claims to be a document but is not, so the pipeline can flag it', () => {
    expect(classifyDocument(Buffer.from('garbage'), 'application/pdf', null)).toBe('claimed');
    expect(classifyDocument(Buffer.from('garbage'), 'image/tiff; name=x', null)).toBe('claimed');
    expect(classifyDocument(Buffer.from('garbage'), 'application/octet-stream', 'FAX.TIF')).toBe('claimed');
    expect(classifyDocument(Buffer.alloc(0), null, 'empty.pdf')).toBe('claimed');
  });

  it('leaves other files alone', () => {
    expect(classifyDocument(Buffer.from('PK\u0003\u0004'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'r.docx')).toBe('other');
    expect(classifyDocument(Buffer.from('BEGIN:VCARD'), 'text/vcard', 'card.vcf')).toBe('other');
    expect(classifyDocument(Buffer.from('sig'), 'application/pkcs7-signature', 'smime.p7s')).toBe('other');
  });
});

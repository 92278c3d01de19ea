import { describe, expect, it } from 'vitest';
import { findTruncation, leafParts, minDecodedBytes, type StructureNode } from './completeness.ts';

const structure: StructureNode = {
  type: 'multipart/mixed',
  childNodes: [
    { part: '1', type: 'text/plain', encoding: '7bit', size: 20 },
    { part: '2', type: 'application/pdf', encoding: 'base64', size: 78_000 },
    {
      part: '3',
      type: 'message/rfc822',
      size: 5_000,
      childNodes: [{ part: '3', type: 'multipart/mixed', childNodes: [{ part: '3.2', type: 'image/tiff', encoding: 'BASE64', size: 4_000 }] }],
    },
  ],
};

describe('download completeness (RFC 3501 RFC822.SIZE and BODYSTRUCTURE)', () => {
  it('indexes leaf parts, including those inside forwarded messages', () => {
    expect([...leafParts(structure).keys()]).toEqual(['1', '2', '3.2']);
  });

  it('bounds the decoded size of base64 parts only', () => {
    expect(minDecodedBytes('base64', 78_000)).toBe(56_156);
    expect(minDecodedBytes('quoted-printable', 78_000)).toBe(0);
    expect(minDecodedBytes('base64', undefined)).toBe(0);
  });

  it('accepts a complete download', () => {
    // 57,000 bytes base64-encode to 76,000 characters plus 2,000 CRLFs = 78,000.
    expect(findTruncation(90_000, 90_000, structure, [{ partId: '2', decodedBytes: 57_000 }, { partId: '3.2', decodedBytes: 2_900 }])).toBeNull();
  });

  it('flags a short source and a short part', () => {
    expect(findTruncation(90_000, 60_000, structure, [])).toEqual({ message: true, parts: [] });
    expect(findTruncation(90_000, 90_000, structure, [{ partId: '2', decodedBytes: 30_000 }, { partId: '3.2', decodedBytes: 0 }])).toEqual({
      message: false,
      parts: ['2', '3.2'],
    });
  });
});

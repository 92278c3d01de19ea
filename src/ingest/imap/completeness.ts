/**
 * Detects short downloads. RFC 3501 §7.4.2: RFC822.SIZE is the message's exact
 * size in octets and BODYSTRUCTURE gives each part's size in its transfer
 * encoding. A source shorter than RFC822.SIZE, or an attachment whose decoded size
 * is well below what its encoded size implies, was cut off in transit: it is
 * fetched again, never stored as a short file.
 */

export interface StructureNode {
  part?: string;
  type?: string;
  encoding?: string;
  size?: number;
  childNodes?: StructureNode[];
}

/** Leaf parts by IMAP part number. */
export function leafParts(node: StructureNode | undefined, into = new Map<string, StructureNode>()): Map<string, StructureNode> {
  if (!node) return into;
  if (node.childNodes && node.childNodes.length > 0) {
    for (const child of node.childNodes) leafParts(child, into);
  } else if (node.part) {
    into.set(node.part, node);
  }
  return into;
}

/**
 * Smallest decoded size consistent with an encoded size. Base64 carries 3 bytes per
 * 4 characters; with CRLF after every 76 characters (RFC 2045 §6.8) that is ~0.73,
 * and 0.72 leaves room for shorter lines and padding. Other encodings are not
 * bounded this way (quoted-printable expands unpredictably).
 */
export function minDecodedBytes(encoding: string | undefined, encodedSize: number | undefined): number {
  if (!encodedSize || encodedSize <= 0) return 0;
  if ((encoding ?? '').toLowerCase() === 'base64') return Math.max(0, Math.floor(encodedSize * 0.72) - 4);
  return 0;
}

export interface PartSize {
  partId: string | null;
  decodedBytes: number;
}

export interface Truncation {
  /** The whole source arrived shorter than RFC822.SIZE. */
  message: boolean;
  /** Parts whose decoded size is below what BODYSTRUCTURE implies. */
  parts: string[];
}

/** Returns what looks cut off, or null when the download is complete. */
export function findTruncation(
  expectedMessageBytes: number | undefined,
  sourceBytes: number,
  structure: StructureNode | undefined,
  parts: PartSize[],
): Truncation | null {
  const message = expectedMessageBytes !== undefined && sourceBytes < expectedMessageBytes;
  const leaves = leafParts(structure);
  const short: string[] = [];
  for (const part of parts) {
    if (!part.partId) continue;
    const leaf = leaves.get(part.partId);
    if (!leaf) continue;
    if (part.decodedBytes < minDecodedBytes(leaf.encoding, leaf.size)) short.push(part.partId);
  }
  return message || short.length > 0 ? { message, parts: short } : null;
}

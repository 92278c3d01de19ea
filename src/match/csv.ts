/**
 * A small streaming CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF or
 * LF) for EHR patient exports. Streaming keeps a million-row load's memory flat.
 */
import fs from 'node:fs';

export async function* readCsvRecords(file: string): AsyncGenerator<string[]> {
  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let quotePending = false; // saw a quote inside a quoted field: end of field or an escaped quote
  let first = true;
  for await (const chunk of stream as AsyncIterable<string>) {
    let text = chunk;
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: string[][] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          if (ch === '"') {
            field += '"';
            start = i + 1;
            continue;
          }
          inQuotes = false;
          // fall through: this character ends or continues an unquoted section
        } else if (ch === '"') {
          field += text.slice(start, i);
          quotePending = true;
          start = i + 1;
          continue;
        } else {
          continue;
        }
      }
      if (ch === '"') {
        field += text.slice(start, i);
        inQuotes = true;
        start = i + 1;
      } else if (ch === ',') {
        record.push(field + text.slice(start, i));
        field = '';
        start = i + 1;
      } else if (ch === '\n' || ch === '\r') {
        record.push(field + text.slice(start, i));
        field = '';
        start = i + 1;
        if (ch === '\r' && text[i + 1] === '\n') {
          i++;
          start = i + 1;
        }
        if (!(record.length === 1 && record[0] === '')) out.push(record);
        record = [];
      }
    }
    if (inQuotes && !quotePending) field += text.slice(start);
    else if (!inQuotes) field += text.slice(start);
    for (const r of out) yield r;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    if (!(record.length === 1 && record[0] === '')) yield record;
  }
}

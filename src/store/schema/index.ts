/**
 * The service's one schema. Each area keeps its tables in its own file here;
 * `npm run db:generate` turns changes into a migration under drizzle/.
 */
export * from './documents.ts';
export * from './ehr.ts';

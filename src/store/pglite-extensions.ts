/**
 * PostgreSQL extensions loaded into the embedded PGlite (they ship with it but
 * must be passed to PGlite.create, shared/STACK.md). Keep in step with what the
 * migrations CREATE EXTENSION.
 */
export const pgliteExtensions = {};

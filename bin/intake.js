#!/usr/bin/env node
// Entry point of the `intake` executable (see shared/spec/cli.md).
// Runs the TypeScript sources through tsx so a checkout works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

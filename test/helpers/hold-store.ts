/**
 * Opens the embedded store at INTAKE_DATA_DIR, prints READY and holds it until killed.
 */
import { openStore } from '../../src/store/store.ts';

await openStore({ dataDir: process.env.INTAKE_DATA_DIR ?? './data', command: 'serve' });
process.stdout.write('READY\n');
setInterval(() => {}, 1 << 30);

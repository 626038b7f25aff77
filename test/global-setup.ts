import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole } from '../apps/console/build';

/**
 * Builds the web console once per jest run into a folder of its own (parallel runs never share one) and
 * hands it to every test server through CONSOLE_DIR.
 */
export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loa-test-console-'));
  const manifest = await buildConsole({ outDir: dir });
  process.env.CONSOLE_DIR = dir;
  process.env.LOA_TEST_CONSOLE_FIRST_LOAD = String(manifest.firstLoadBrotliBytes);
}

/*
 * Rebuilds the generated sections of docs/protocol.md (topic table, field tables, JSON examples):
 *   node -r @swc-node/register libs/protocol/scripts/write-protocol-doc.ts           (rewrite)
 *   node -r @swc-node/register libs/protocol/scripts/write-protocol-doc.ts --check   (exit 1 when out of date)
 * Prose outside the `<!-- generated:NAME -->` markers is left as written. The result is formatted with the
 * repository's prettier settings.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as prettier from 'prettier';
import { renderGeneratedSections } from './protocol-doc';

export const PROTOCOL_DOC_FILE = resolve(__dirname, '../../../docs/protocol.md');

async function main(): Promise<void> {
  const current = readFileSync(PROTOCOL_DOC_FILE, 'utf8');
  const options = (await prettier.resolveConfig(PROTOCOL_DOC_FILE)) ?? {};
  const text = await prettier.format(renderGeneratedSections(current), {
    ...options,
    filepath: PROTOCOL_DOC_FILE,
  });
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${PROTOCOL_DOC_FILE} is out of date; run without --check to rewrite it.`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(PROTOCOL_DOC_FILE, text);
  console.log(`wrote ${PROTOCOL_DOC_FILE}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

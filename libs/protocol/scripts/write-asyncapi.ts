/*
 * Writes docs/asyncapi.yaml from libs/protocol:
 *   node -r @swc-node/register libs/protocol/scripts/write-asyncapi.ts           (write)
 *   node -r @swc-node/register libs/protocol/scripts/write-asyncapi.ts --check   (exit 1 when out of date)
 * The output is formatted with the repository's prettier settings, so `prettier --check` leaves it alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as prettier from 'prettier';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from '../src/asyncapi';

export const ASYNCAPI_FILE = resolve(__dirname, '../../../docs/asyncapi.yaml');

const HEADER = [
  '# Generated from libs/protocol by libs/protocol/scripts/write-asyncapi.ts. Do not edit by hand:',
  '#   node -r @swc-node/register libs/protocol/scripts/write-asyncapi.ts',
  '',
].join('\n');

export async function renderAsyncApiYaml(): Promise<string> {
  const body = stringify(buildAsyncApiDocument(), { aliasDuplicateObjects: false, lineWidth: 0 });
  const options = (await prettier.resolveConfig(ASYNCAPI_FILE)) ?? {};
  return prettier.format(HEADER + body, { ...options, filepath: ASYNCAPI_FILE });
}

async function main(): Promise<void> {
  const text = await renderAsyncApiYaml();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(ASYNCAPI_FILE, 'utf8');
    } catch {
      // missing file: out of date
    }
    if (current !== text) {
      console.error(`${ASYNCAPI_FILE} is out of date; run without --check to rewrite it.`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(ASYNCAPI_FILE, text);
  console.log(`wrote ${ASYNCAPI_FILE}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

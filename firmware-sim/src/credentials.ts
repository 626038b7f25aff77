import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The credentials file: what provisioning produced, so later runs reuse the same clusters.
 * It holds MQTT passwords, so it is written owner-readable only.
 */
export const CredentialsFileSchema = Type.Object({
  brokerUrl: Type.Optional(Type.String({ minLength: 1 })),
  clusters: Type.Array(
    Type.Object({
      clusterId: Type.String({ minLength: 1 }),
      code: Type.Optional(Type.String()),
      secret: Type.String({ minLength: 1 }),
    }),
  ),
});
export type CredentialsFile = Static<typeof CredentialsFileSchema>;

export async function readCredentialsFile(file: string): Promise<CredentialsFile> {
  const text = await fs.readFile(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not valid JSON`);
  }
  if (!Value.Check(CredentialsFileSchema, parsed)) {
    const first = Value.Errors(CredentialsFileSchema, parsed).First();
    throw new Error(
      `${file}: not a credentials file (${first ? `${first.path}: ${first.message}` : 'bad shape'})`,
    );
  }
  return parsed;
}

/** Reads the file, or returns an empty one when it does not exist yet. */
export async function readCredentialsFileIfExists(file: string): Promise<CredentialsFile> {
  try {
    return await readCredentialsFile(file);
  } catch (error) {
    if (isNotFound(error)) return { clusters: [] };
    throw error;
  }
}

/** Atomic write (temp file + rename), mode 0600: a crash never leaves half a file of secrets. */
export async function writeCredentialsFile(file: string, content: CredentialsFile): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.writeFile(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(tmp, file);
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

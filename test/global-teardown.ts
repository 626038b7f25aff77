import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.CONSOLE_DIR;
  if (dir?.includes('loa-test-console-')) await rm(dir, { recursive: true, force: true });
}

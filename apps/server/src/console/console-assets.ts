import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Content types of what the console build writes. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AssetFile {
  body: Buffer;
  type: string;
  /** 'br' | 'gzip' when a precompressed twin was chosen. */
  encoding: string | null;
}

/**
 * Reads the files of a console build from disk, picking the brotli or gzip twin the build wrote when the
 * browser accepts it. Files are content-hashed, so they are cached in memory once read.
 */
export class ConsoleAssets {
  private readonly cache = new Map<string, AssetFile | null>();

  constructor(readonly dir: string) {}

  /** `assets/app-X.js` → the file, or null when it is not part of the build (or escapes the folder). */
  async asset(relativePath: string, acceptEncoding: string): Promise<AssetFile | null> {
    const path = normalize(join(resolve(this.dir), relativePath));
    if (!path.startsWith(resolve(this.dir) + sep)) return null;
    const type = TYPES[extname(path)];
    if (!type) return null;
    for (const [encoding, suffix] of preferredEncodings(acceptEncoding)) {
      const key = path + suffix;
      let file = this.cache.get(key);
      if (file === undefined) {
        file = await readFile(key)
          .then((body) => ({ body, type, encoding }))
          .catch(() => null);
        this.cache.set(key, file);
      }
      if (file) return file;
    }
    return null;
  }

  /** index.html as built (re-read when the build changes it: `npm run build:console` while running). */
  private index: { mtimeMs: number; html: string } | null = null;
  async indexHtml(): Promise<string | null> {
    const path = join(this.dir, 'index.html');
    const info = await stat(path).catch(() => null);
    if (!info) return null;
    if (!this.index || this.index.mtimeMs !== info.mtimeMs) {
      this.index = { mtimeMs: info.mtimeMs, html: await readFile(path, 'utf8') };
      this.cache.clear();
    }
    return this.index.html;
  }
}

function preferredEncodings(acceptEncoding: string): [string | null, string][] {
  const accepted = acceptEncoding.toLowerCase();
  const list: [string | null, string][] = [];
  if (/\bbr\b/.test(accepted)) list.push(['br', '.br']);
  if (/\bgzip\b/.test(accepted)) list.push(['gzip', '.gz']);
  list.push([null, '']);
  return list;
}

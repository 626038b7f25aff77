/**
 * Builds the web console into static files the server serves at `/`:
 * index.html, assets/app-<hash>.js|css (+ .gz/.br twins so the server never compresses on the fly) and
 * manifest.json (file names, raw and compressed sizes: the first-load budget the tests and docs report).
 *
 *   npm run build:console [-- --out dist/console] [-- --dev]
 */
import { build, type BuildResult, type Metafile } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

export interface ConsoleAsset {
  file: string;
  bytes: number;
  gzip: number;
  brotli: number;
}

export interface ConsoleManifest {
  builtAt: string;
  entry: { js: string; css: string };
  assets: ConsoleAsset[];
  /** What a first visit downloads (index.html + entry js + css), brotli-compressed. */
  firstLoadBrotliBytes: number;
}

const ROOT = resolve(__dirname, '..', '..');
const COMPRESSIBLE = /\.(js|css|html|json|geojson|svg)$/;

export async function buildConsole(
  options: { outDir?: string; minify?: boolean } = {},
): Promise<ConsoleManifest> {
  const outDir = resolve(options.outDir ?? join(ROOT, 'dist', 'console'));
  const minify = options.minify ?? true;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });

  const result: BuildResult & { metafile: Metafile } = await build({
    entryPoints: { app: join(__dirname, 'src', 'main.tsx') },
    bundle: true,
    format: 'esm',
    splitting: false,
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: minify ? false : 'inline',
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    // Imported files (map outlines, images) are referenced from any page path, so absolutely.
    publicPath: '/assets/',
    // Big data files (map outlines) become hashed assets fetched when needed, not part of the first load.
    loader: { '.png': 'file', '.svg': 'file', '.geojson': 'file' },
    metafile: true,
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': minify ? '"production"' : '"development"' },
    logLevel: 'warning',
  });

  const outputs = Object.keys(result.metafile.outputs).map((p) => resolve(ROOT, p));
  const js = outputs.find((p) => p.endsWith('.js'));
  const css = outputs.find((p) => p.endsWith('.css'));
  if (!js || !css) throw new Error('console build produced no js/css entry');

  const template = await readFile(join(__dirname, 'index.html'), 'utf8');
  const html = template
    .replace('%CSS%', `/assets/${basename(css)}`)
    .replace('%JS%', `/assets/${basename(js)}`);
  const indexPath = join(outDir, 'index.html');
  await writeFile(indexPath, html);

  const assets: ConsoleAsset[] = [];
  for (const path of [indexPath, ...outputs]) {
    const body = await readFile(path);
    const asset: ConsoleAsset = { file: relative(outDir, path), bytes: body.length, gzip: 0, brotli: 0 };
    if (COMPRESSIBLE.test(path)) {
      const gz = gzipSync(body, { level: 9 });
      const br = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } });
      await writeFile(`${path}.gz`, gz);
      await writeFile(`${path}.br`, br);
      asset.gzip = gz.length;
      asset.brotli = br.length;
    }
    assets.push(asset);
  }
  const entry = { js: `assets/${basename(js)}`, css: `assets/${basename(css)}` };
  const first = assets.filter((a) => a.file === 'index.html' || a.file === entry.js || a.file === entry.css);
  const manifest: ConsoleManifest = {
    builtAt: new Date().toISOString(),
    entry,
    assets,
    firstLoadBrotliBytes: first.reduce((sum, a) => sum + (a.brotli || a.bytes), 0),
  };
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  buildConsole({ outDir: outIndex >= 0 ? args[outIndex + 1] : undefined, minify: !args.includes('--dev') })
    .then((m) => {
      const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      const js = m.assets.find((a) => a.file === m.entry.js);
      console.log(
        `console built: ${m.entry.js} ${kib(js?.bytes ?? 0)} (brotli ${kib(js?.brotli ?? 0)}), first load ${kib(m.firstLoadBrotliBytes)} brotli`,
      );
    })
    .catch((err: unknown) => {
      console.error('console build failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}

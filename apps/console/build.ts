/**
 * Builds the web console into static files the server serves at `/`:
 * index.html, assets/app-<hash>.js|css (the entry: sign-in, shell, router), assets/chunks/*.js (every page
 * and the code pages share, fetched when a page is first shown: esbuild code splitting), each with .gz/.br
 * twins so the server never compresses on the fly, and manifest.json (file names, raw and compressed sizes:
 * the first-load budget the tests and docs report).
 *
 *   npm run build:console [-- --out dist/console] [-- --dev]
 */
import { build, type BuildResult, type Metafile } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

export interface ConsoleAsset {
  file: string;
  bytes: number;
  gzip: number;
  brotli: number;
  /** Part of the first load: index.html, the entry's js and css, the chunks the entry imports statically. */
  firstLoad?: boolean;
}

export interface ConsoleManifest {
  builtAt: string;
  entry: { js: string; css: string };
  /** Chunks the entry imports statically (preloaded by index.html), relative to the build folder. */
  entryChunks: string[];
  assets: ConsoleAsset[];
  /** What a first visit downloads (index.html + entry js + its static chunks + css), brotli-compressed. */
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
    // Metafile paths are relative to this.
    absWorkingDir: ROOT,
    bundle: true,
    format: 'esm',
    // Pages are lazy imports (src/routes.ts): each becomes a chunk, and code they share a chunk of its own.
    splitting: true,
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: minify ? false : 'inline',
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
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

  const { js, css, entryChunks, pageCss } = entryOutputs(result.metafile);
  // esbuild also writes a stylesheet per lazy page: copies of what the entry's CSS already holds (it keeps
  // every imported stylesheet, so a page never shows unstyled). They are never linked: drop them.
  await Promise.all(pageCss.map((file) => rm(resolve(ROOT, file))));
  const outputs = Object.keys(result.metafile.outputs)
    .filter((p) => !pageCss.includes(p))
    .map((p) => resolve(ROOT, p));
  const name = (output: string) => relative(outDir, resolve(ROOT, output));

  const template = await readFile(join(__dirname, 'index.html'), 'utf8');
  // The entry's static chunks are fetched with it rather than after it has been parsed.
  const preloads = entryChunks
    .map((chunk) => `<link rel="modulepreload" href="/${name(chunk)}" />`)
    .join('\n    ');
  const html = template
    .replace('%CSS%', `/${name(css)}`)
    .replace(
      /(<script type="module" src=")%JS%("><\/script>)/,
      `$1/${name(js)}$2${preloads ? `\n    ${preloads}` : ''}`,
    );
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
  const entry = { js: name(js), css: name(css) };
  const firstFiles = new Set(['index.html', entry.js, entry.css, ...entryChunks.map(name)]);
  for (const asset of assets) if (firstFiles.has(asset.file)) asset.firstLoad = true;
  const manifest: ConsoleManifest = {
    builtAt: new Date().toISOString(),
    entry,
    entryChunks: entryChunks.map(name),
    assets,
    firstLoadBrotliBytes: assets
      .filter((a) => a.firstLoad)
      .reduce((sum, a) => sum + (a.brotli || a.bytes), 0),
  };
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * From esbuild's metafile (paths relative to the repository): the entry's js and css, the chunks it imports
 * statically (transitively: what the first page cannot run without), and the per-page stylesheets, after
 * checking that the entry's CSS holds every stylesheet they hold.
 */
export function entryOutputs(metafile: Metafile): {
  js: string;
  css: string;
  entryChunks: string[];
  pageCss: string[];
} {
  const outputs = metafile.outputs;
  const js = Object.keys(outputs).find((p) => outputs[p].entryPoint?.endsWith('main.tsx'));
  const css = js ? outputs[js].cssBundle : undefined;
  if (!js || !css) throw new Error('console build produced no js/css entry');

  const entryChunks: string[] = [];
  const visit = (file: string) => {
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || imported.external) continue;
      if (entryChunks.includes(imported.path)) continue;
      entryChunks.push(imported.path);
      visit(imported.path);
    }
  };
  visit(js);

  const inEntryCss = new Set(Object.keys(outputs[css].inputs));
  const pageCss: string[] = [];
  for (const [file, output] of Object.entries(outputs)) {
    if (file === js || !output.cssBundle) continue;
    const missing = Object.keys(outputs[output.cssBundle].inputs).filter((i) => !inEntryCss.has(i));
    if (missing.length > 0)
      throw new Error(`${missing.join(', ')}: not in the entry's CSS, its page would show unstyled`);
    pageCss.push(output.cssBundle);
  }
  return { js, css, entryChunks, pageCss: [...new Set(pageCss)] };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  buildConsole({ outDir: outIndex >= 0 ? args[outIndex + 1] : undefined, minify: !args.includes('--dev') })
    .then((m) => {
      const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      const js = m.assets.find((a) => a.file === m.entry.js);
      const chunks = m.assets.filter((a) => a.file.startsWith('assets/chunks/') && a.file.endsWith('.js'));
      const all = chunks.reduce((sum, a) => sum + a.brotli, js?.brotli ?? 0);
      console.log(
        `console built: ${m.entry.js} ${kib(js?.bytes ?? 0)} (brotli ${kib(js?.brotli ?? 0)}) + ${chunks.length} chunks, ` +
          `first load ${kib(m.firstLoadBrotliBytes)} brotli (all js ${kib(all)} brotli)`,
      );
    })
    .catch((err: unknown) => {
      console.error('console build failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}

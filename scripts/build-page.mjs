// Builds the inspector page (src/ui/page/, Preact and @preact/signals) into one script and one stylesheet,
// in memory. scripts/build.mjs embeds them into the bundle, so codex-dbg and the standalone binary serve
// the page with nothing fetched from anywhere; from a source checkout, src/ui/assets.ts calls this on first use.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const PAGE = fileURLToPath(new URL('../src/ui/page/main.tsx', import.meta.url));

/** { js, css } of the page, minified. */
export async function buildPage() {
  const result = await build({
    entryPoints: [PAGE],
    bundle: true,
    write: false,
    outdir: 'page',
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const text = (extension) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

import { fileURLToPath } from 'node:url';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * nhsuk-frontend's compiled CSS loads Frutiger from assets.nhs.uk and points icons at
 * /assets/images/*.svg, which it does not ship. The shell loads nothing remote (CSP font-src
 * 'self'), so drop those @font-face rules (Arial is the NHS fallback) and the missing icons.
 * Its Internet Explorer media hacks (@media screen\0) go too: no IE here, and the CSS minifier rejects them.
 */
function localNhsStyles(): Plugin {
  return {
    name: 'shell-local-nhs-styles',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('nhsuk-frontend') || !id.split('?')[0]!.endsWith('.css')) return null;
      return code
        .replace(/@font-face\{[^}]*https?:[^}]*\}/g, '')
        .replace(/url\(\/assets\/images\/[^)]*\)/g, 'none')
        .replace(/@media screen\\0[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '');
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [localNhsStyles(), react()],
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    // Strict CSP (script-src 'self'): no inline scripts or data: modules in the built HTML.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'chrome130',
  },
  server: { host: '127.0.0.1', strictPort: false },
});

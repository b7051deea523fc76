// Vite builds the editor (editor/) into dist/editor, which the server serves; tests run under Vitest's own config.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'editor',
  plugins: [react()],
  build: {
    outDir: '../dist/editor',
    emptyOutDir: true,
    // The app is about 800 kB, and the graph layout (ELK, 1.4 MB) loads only when "Tidy up" is first used; both are
    // served from the same machine, so the default 500 kB warning would only be noise on every `npm start`.
    chunkSizeWarningLimit: 1600,
  },
  server: {
    // During editor development the API and the live WebSocket come from `npm start` on port 3000.
    proxy: {
      '/api': 'http://localhost:3000',
      '/ws': { target: 'ws://localhost:3000', ws: true },
    },
  },
});

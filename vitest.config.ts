import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{schemas,runtime,server,editor,scripts}/**/*.test.ts', 'editor/e2e/**/*.e2e.ts'],
    testTimeout: 30_000,
  },
});

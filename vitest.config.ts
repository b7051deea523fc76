import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{schemas,runtime,server,editor,scripts,bench}/**/*.test.ts', 'e2e/**/*.e2e.ts'],
    testTimeout: 30_000,
  },
});

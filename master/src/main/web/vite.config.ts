// Builds the dashboard into the master's classes (dev/baton/master/dashboard/web/), so the jar
// carries it. `npm run dev` proxies /api to a running master: BATON_DASHBOARD=http://127.0.0.1:8233.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  plugins: [preact()],
  base: '/',
  build: {
    outDir: process.env.BATON_WEB_OUT ?? '../../../target/classes/dev/baton/master/dashboard/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    proxy: { '/api': { target: process.env.BATON_DASHBOARD ?? 'http://127.0.0.1:8233', changeOrigin: true } },
  },
  test: { include: ['src/**/*.test.ts'] },
} as any);

// What the browser tests share: Debian's Chromium, an up-to-date build of the editor, and a server on a fresh store.
import { execFileSync } from 'node:child_process';
import type { CarrierProfile } from '../server/serve.ts';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';

export const root = join(import.meta.dirname, '..');
export const chromiumPath = '/usr/bin/chromium';
const editorDir = join(root, 'dist', 'editor');

/** `describe` when Chromium is there; without it the tests skip, except in CI, where they must run. */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(chromiumPath)) {
    describe(name, body);
    return;
  }
  if (process.env.CI) throw new Error(`The browser tests need Chromium at ${chromiumPath} (apt-get install chromium); CI requires them.`);
  describe.skip(`${name} (skipped: no Chromium at ${chromiumPath}; install it with apt-get install chromium)`, body);
}

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds the editor with Vite when the build is missing or older than its sources; one build at a time. */
export function ensureEditorBuilt(): void {
  const sources = ['editor/src', 'editor/index.html', 'schemas', 'vite.config.ts', 'package-lock.json'].map((p) => join(root, p));
  const lock = join(root, 'dist', '.editor-build-lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const started = Date.now(); ; ) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than two minutes was left by a killed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 180_000) throw new Error(`Waited three minutes for another build of the editor (${lock}).`);
      execFileSync('sleep', ['0.5']);
    }
  }
  try {
    const built = join(editorDir, 'index.html');
    if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.filter(existsSync).map(newestChange))) return;
    execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'pipe',
      // Vitest sets NODE_ENV=test, which would give a development build of React.
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The browser and the server a test file's tests share. Made at module level, so that the file's helpers can reach
 * them; started by `describeWithBrowser` before the first test, closed after the last.
 */
export class TestBed {
  #browser: Browser | undefined;
  #server: TestServer | undefined;

  get browser(): Browser {
    if (!this.#browser) throw new Error('The browser starts before the first test; use it inside a test or a hook.');
    return this.#browser;
  }

  get server(): TestServer {
    if (!this.#server) throw new Error('The server starts before the first test; use it inside a test or a hook.');
    return this.#server;
  }

  async start(options: ServerOptions): Promise<void> {
    ensureEditorBuilt();
    [this.#browser, this.#server] = await Promise.all([launchBrowser(), startTestServer(options)]);
  }

  async close(): Promise<void> {
    await this.#browser?.close();
    await this.#server?.close();
  }
}

/** `describeInBrowser` with the bed started (the editor built when stale) before its tests and closed after them. */
export function describeWithBrowser(name: string, bed: TestBed, options: ServerOptions, body: () => void): void {
  describeInBrowser(name, () => {
    beforeAll(() => bed.start(options), 240_000);
    afterAll(() => bed.close());
    body();
  });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface TestServer {
  url: string;
  token: string;
  close(): Promise<void>;
  /** Calls the API as the admin. */
  api(method: string, path: string, body?: string, type?: string): Promise<Response>;
}

export interface ServerOptions {
  loadExamples?: boolean;
  carrier?: CarrierProfile;
}

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const { startServer } = await import('../server/serve.ts');
  const dir = mkdtempSync(join(tmpdir(), 'editor-e2e-'));
  const server = await startServer({
    port: 0,
    databaseUrl: join(dir, 'journeys.db'),
    loadExamples: options.loadExamples ?? false,
    editorDir,
    quiet: true,
    ...(options.carrier && { carrier: options.carrier }),
  });
  const token = server.adminToken;
  if (!token) throw new Error('The server made no admin token on a fresh store.');
  return {
    url: server.url,
    token,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
    api: (method, path, body, type = 'application/json') =>
      fetch(`${server.url}/api${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, ...(body !== undefined && { body }) }),
  };
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught errors in the page so far: a test ends by checking there were none. */
export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

/** Opens the editor signed in, the way a manager opens the sign-in link they were sent. */
export async function openEditor(browser: Browser, server: TestServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true });
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
  // A script, style or connection the server's Content-Security-Policy refuses is only a console message.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  await page.goto(await signInUrl(server));
  await page.getByText('Signed in as').waitFor();
  return page;
}

/**
 * A sign-in link as an admin makes one (POST /api/tokens/:id/sign-in-codes): a one-time code for the token, the admin's
 * by default, opening `page` (default: the agent desktop for an agent, the editor for anyone else).
 */
export async function signInUrl(server: TestServer, options: { tokenId?: string; page?: string } = {}): Promise<string> {
  let id = options.tokenId;
  if (!id) {
    const { tokens } = (await (await server.api('GET', '/tokens')).json()) as { tokens: { id: string; role: string }[] };
    id = tokens.find((t) => t.role === 'admin')!.id;
  }
  const made = await server.api('POST', `/tokens/${id}/sign-in-codes`);
  if (made.status !== 201) throw new Error(`The server made no sign-in code: ${made.status} ${await made.text()}`);
  const { code, path } = (await made.json()) as { code: string; path: string };
  return `${server.url}${options.page ? `${options.page}?code=${code}` : path}`;
}

export function screenshotPath(name: string): string {
  const dir = join(tmpdir(), 'editor-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** Waits for the page to show what is expected; generous, because the suite may share two cores with other tests. */
export function eventually<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 15_000, interval: 100 });
}

/** Opens a journey from the Open dialog, by (part of) its name. */
export async function openJourney(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Open…' }).click();
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await page.locator('.journey-name', { hasText: name }).waitFor();
}

/** Goes to one of the app's pages by its tab in the header. */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
}

/**
 * A live run dials on the real clock, and the dialer checks calling hours at the moment it dials. Contacts given this
 * zone in their time zone column live where it is now mid-day, so a live call does not depend on the hour it runs at.
 */
export function zoneAtMidday(): string {
  const zones = [
    'America/Chicago',
    'America/Los_Angeles',
    'Pacific/Honolulu',
    'Pacific/Auckland',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Europe/Berlin',
    'America/Sao_Paulo',
  ];
  const hourIn = (zone: string) => Number(new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(new Date()));
  return zones.find((zone) => hourIn(zone) >= 10 && hourIn(zone) <= 18) ?? 'America/Chicago';
}

// The editor signs in by link or by a pasted token and keeps nothing a script could read: the session is an HttpOnly,
// SameSite=Strict cookie, and a reload asks the server who is signed in.
import type { BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeWithBrowser, errorsOf, openEditor, screenshotPath, TestBed } from './harness.ts';

const bed = new TestBed();

/** Every secret-looking string: API tokens (jt_), sessions (js_) and sign-in codes (jc_). */
const secretsIn = (text: string) => text.match(/j[tsc]_[\w.-]+/g) ?? [];

/** What a script on the page can read: both storages and document.cookie. */
async function readableByScripts(page: Page) {
  return page.evaluate(() => ({
    local: JSON.stringify(localStorage),
    session: JSON.stringify(sessionStorage),
    cookie: document.cookie,
  }));
}

async function sessionCookies(context: BrowserContext) {
  return (await context.cookies()).filter((c) => c.name.startsWith('journey_'));
}

describeWithBrowser('the editor’s session cookie', bed, {}, () => {
  it('signs in by link into an HttpOnly cookie, keeps no token where a script can read it, and stays signed in on reload', async () => {
    const page = await openEditor(bed.browser, bed.server);
    expect(page.url()).toBe(`${bed.server.url}/`);
    const readable = await readableByScripts(page);
    expect(secretsIn(JSON.stringify(readable))).toEqual([]);
    expect(readable.local).toBe('{}');
    expect(readable.session).toBe('{}');
    expect(readable.cookie).not.toContain('journey_session');

    const cookies = await sessionCookies(page.context());
    expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path }))).toEqual([
      { name: 'journey_session', httpOnly: true, sameSite: 'Strict', path: '/' },
    ]);
    expect(cookies[0]!.value).toMatch(/^js_/);

    await page.reload();
    await page.getByText('Signed in as admin').waitFor();
    expect(secretsIn(JSON.stringify(await readableByScripts(page)))).toEqual([]);
    await page.screenshot({ path: screenshotPath('session-cookie-editor') });
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('turns a token pasted into the sign-in banner into the cookie, and forgets nothing it should keep', async () => {
    const made = await bed.server.api('POST', '/tokens', JSON.stringify({ name: 'Rita Editor', role: 'editor' }));
    const { token } = (await made.json()) as { token: string };
    const page = await bed.browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`${bed.server.url}/`);
    await page.getByText('Not signed in', { exact: true }).waitFor();
    await page.getByLabel('Sign-in link or token').fill('jt_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This token is not known to the server').waitFor();
    expect(await sessionCookies(page.context())).toEqual([]);

    await page.getByLabel('Sign-in link or token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as Rita Editor').waitFor();
    const readable = JSON.stringify(await readableByScripts(page));
    expect(readable).not.toContain(token);
    expect(secretsIn(readable)).toEqual([]);
    const cookies = await sessionCookies(page.context());
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'journey_session', httpOnly: true, sameSite: 'Strict' });
    // The cookie holds a session of its own, not the pasted token.
    expect(cookies[0]!.value).not.toBe(token);
    await page.reload();
    await page.getByText('Signed in as Rita Editor').waitFor();
    await page.context().close();
  }, 60_000);
});

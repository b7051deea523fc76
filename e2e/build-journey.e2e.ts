// A new user builds the missed-payment journey from an empty canvas, fixes what the checks find, publishes and exports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { connectPort, dropKind, step, zoomOut } from './canvas-driver.ts';
import { describeWithBrowser, errorsOf, eventually, openEditor, root, screenshotPath, TestBed } from './harness.ts';

interface ExampleNode {
  type: string;
  label: string;
  position: { x: number; y: number };
  config: Record<string, any>;
  next?: Record<string, string>;
}

const exampleText = readFileSync(join(root, 'examples', 'missed-payment.journey.json'), 'utf8');
const example = JSON.parse(exampleText) as {
  name: string;
  id: string;
  description: string;
  settings: { timezone: string; helpContact: string };
  nodes: Record<string, ExampleNode>;
};

const inspector = (page: Page) => page.locator('aside.inspector');
const field = (page: Page, label: string) => inspector(page).getByLabel(label, { exact: true });

/** Sets what the example sets for a step of each kind, through the inspector's widgets. */
async function configure(page: Page, id: string, node: ExampleNode): Promise<void> {
  const c = node.config;
  switch (node.type) {
    case 'start':
      await field(page, 'Contact list').selectOption(c.audience.list);
      break;
    case 'compliance-gate':
      await field(page, 'Channel').selectOption(c.channel);
      await field(page, 'Outside allowed hours').selectOption(c.outsideHours);
      // The example leaves the checks at their default (all of them), so the file does not list them.
      await inspector(page).getByRole('button', { name: 'Use the default for Checks' }).click();
      break;
    case 'sms':
      await fillTemplate(page, 'Message', c.body);
      for (const [i, [name, url]] of Object.entries(c.links as Record<string, string>).entries()) {
        await inspector(page).getByRole('button', { name: 'Add', exact: true }).click();
        await field(page, `Link name ${i + 1}`).fill(name);
        await field(page, `Web address ${i + 1}`).fill(url);
      }
      await inspector(page).getByRole('button', { name: 'Use the default for Track link clicks' }).click();
      break;
    case 'wait-for-event':
      await field(page, 'Wait until the contact').selectOption(c.event);
      await field(page, 'Which link').fill(c.link);
      await eventually(() => duration(page)).toEqual(['2', 'days']);
      break;
    case 'dialer':
      await field(page, 'How calls are placed').selectOption(c.mode);
      await field(page, 'Agent queue').fill(c.queue);
      await fillTemplate(page, 'Agent script', c.script);
      await field(page, 'Ring time').fill(String(c.ringSeconds));
      await field(page, 'Caller ID').fill(c.callerId);
      break;
    case 'branch':
      for (const [i, rule] of (c.rules as { port: string; label: string; conditions: { field: string; op: string; value: string }[] }[]).entries()) {
        await inspector(page).getByRole('button', { name: 'Add a path' }).click();
        const path = inspector(page).locator('fieldset.list-item').nth(i);
        await path.getByLabel('Name shown on the canvas').fill(rule.label);
        await path.getByLabel('Path name in the file').fill(rule.port);
        const condition = rule.conditions[0]!;
        await path.getByLabel(`Path ${i + 1}, condition 1: what to check`).fill(condition.field);
        await path.getByLabel(`Path ${i + 1}, condition 1: comparison`).selectOption(condition.op);
        await path.getByLabel(`Path ${i + 1}, condition 1: value`).fill(condition.value);
      }
      break;
    case 'end':
      await field(page, 'Outcome').fill(c.outcome);
      break;
    default:
      throw new Error(`no driver for ${node.type} (${id})`);
  }
}

async function fillTemplate(page: Page, label: string, text: string): Promise<void> {
  await field(page, label).fill(text);
}

async function duration(page: Page): Promise<string[]> {
  const row = inspector(page).locator('.inline-fields', { has: page.getByRole('combobox', { name: 'Unit' }) });
  return [await row.locator('input').inputValue(), await row.getByRole('combobox', { name: 'Unit' }).inputValue()];
}

async function problemTexts(page: Page): Promise<string[]> {
  return page.locator('.problem-list .problem-message').allTextContents();
}

async function badgeOf(step: Locator): Promise<string | null> {
  const badge = step.locator('.step-badge');
  return (await badge.count()) ? badge.getAttribute('title') : null;
}

const bed = new TestBed();

describeWithBrowser('building the missed-payment journey in the editor', bed, {}, () => {
  beforeAll(async () => {
    // The team has uploaded the contact list the journey calls.
    const csv = readFileSync(join(root, 'examples', 'missed-payment.contacts.csv'), 'utf8');
    const upload = await bed.server.api('PUT', '/contact-lists/missed-payment/csv?region=US', csv, 'text/csv');
    expect(upload.status).toBe(200);
  }, 60_000);

  it('builds, checks, fixes, publishes and exports the journey byte for byte', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await eventually(() => page.locator('.react-flow__node').count()).toBe(0);

    // The journey's own settings, with nothing selected.
    await field(page, 'Name').fill(example.name);
    await field(page, 'Journey id').fill(example.id);
    await field(page, 'Description').fill(example.description);
    await field(page, 'Default time zone').fill(example.settings.timezone);
    await field(page, 'How contacts reach you').fill(example.settings.helpContact);

    await zoomOut(page, 6);
    for (const [id, node] of Object.entries(example.nodes)) {
      await dropKind(page, node.type, node.position);
      // The dropped step is selected: the inspector shows its kind's settings, filled with the defaults.
      await eventually(() => inspector(page).locator('h2').textContent()).not.toBe('Journey settings');
      await field(page, 'Step id').fill(id);
      await field(page, 'Name on the canvas').fill(node.label);
      await eventually(() => step(page, id).locator('.step-title').textContent()).toBe(node.label);
      if (id === 'collections-call') continue; // configured below, where a mistake is made and fixed
      await configure(page, id, node);
    }

    // A mistake: a ring time under the legal minimum. The checks say so on the step and in the problems panel.
    const call = example.nodes['collections-call']!;
    await step(page, 'collections-call').click();
    await configure(page, 'collections-call', { ...call, config: { ...call.config, ringSeconds: 10 } });
    const ringProblem = (await problemTexts(page)).find((m) => m.includes('Ring time'));
    expect(ringProblem).toMatch(/Ring time must be at least 15 seconds/);
    await eventually(() => badgeOf(step(page, 'collections-call'))).toMatch(/Ring time must be at least 15 seconds/);
    await page.screenshot({ path: screenshotPath('build-with-problem') });

    // Publishing is refused while errors remain.
    const publishButton = page.getByRole('button', { name: 'Publish…' });
    await eventually(() => publishButton.getAttribute('aria-disabled')).toBe('true');
    await eventually(() => page.locator('#publish-reason').textContent()).toMatch(/Publishing needs the \d+ errors? fixed first/);
    await publishButton.click({ force: true });
    await eventually(() => page.locator('.status [role="status"]').textContent()).toMatch(/not possible while the journey has \d+ error/);
    await eventually(() => page.getByRole('dialog').count()).toBe(0);

    // Clicking the problem selects the step and puts the cursor in the field to fix.
    await page.locator('.problem', { hasText: 'Ring time' }).click();
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('field:/nodes/collections-call/config/ringSeconds');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(String(call.config.ringSeconds));
    expect((await problemTexts(page)).some((m) => m.includes('Ring time'))).toBe(false);

    // Connect every exit by dragging from it to the next step, with the whole journey in view.
    await page.getByRole('button', { name: 'Fit to screen' }).click();
    // The view glides to fit; drag once every step is in view and the view holds still for a few frames.
    await eventually(() =>
      page.evaluate(async () => {
        const transform = () => document.querySelector('.react-flow__viewport')?.getAttribute('style');
        const frame = () => new Promise((done) => requestAnimationFrame(done));
        const before = transform();
        for (let i = 0; i < 3; i++) await frame();
        const pane = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
        const inView = [...document.querySelectorAll('.react-flow__node')].every((node) => {
          const box = node.getBoundingClientRect();
          return box.left >= pane.left && box.top >= pane.top && box.right <= pane.right && box.bottom <= pane.bottom;
        });
        return inView && transform() === before;
      }),
    ).toBe(true);
    for (const [id, node] of Object.entries(example.nodes)) {
      for (const [port, target] of Object.entries(node.next ?? {})) {
        await connectPort(page, id, port, target);
        expect(await page.locator(`.react-flow__edge[data-id="${id}:${port}"]`).count(), `edge from ${id} by ${port} to ${target}`).toBe(1);
      }
    }
    await eventually(() => page.locator('.react-flow__edge').count()).toBe(
      Object.values(example.nodes).reduce((n, node) => n + Object.keys(node.next ?? {}).length, 0),
    );
    await eventually(() => page.locator('.problems-summary').textContent()).toBe('No problems: the journey can be published.');
    await page.screenshot({ path: screenshotPath('build-complete') });

    // Publish with a message; the server now has version 1.
    await page.getByRole('button', { name: 'Publish…' }).click();
    await page.getByLabel('What changed').fill('First version: text, then a callback or a predictive call');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published version 1.').waitFor();
    const versions = (await (await bed.server.api('GET', '/journeys/missed-payment/versions')).json()) as { versions: { version: number; message: string }[] };
    expect(versions.versions.map((v) => v.message)).toEqual(['First version: text, then a callback or a predictive call']);

    // The exported file is the example, byte for byte.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export file' }).click()]);
    expect(download.suggestedFilename()).toBe('missed-payment.journey.json');
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toBe(exampleText);
    expect(errorsOf(page)).toEqual([]);
  }, 300_000);
});

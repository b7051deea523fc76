// Drives the canvas the way a person does: drags from the palette, drags from exits to steps, reads the view.
import type { Page } from 'playwright-core';
import { vi } from 'vitest';

export interface Point {
  x: number;
  y: number;
}

/** The canvas transform: flow point p shows at pane.x + x + p.x * zoom, pane.y + y + p.y * zoom. */
export async function viewport(page: Page): Promise<{ x: number; y: number; zoom: number; pane: { x: number; y: number; width: number; height: number } }> {
  const transform = await page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  const m = /matrix\(([^)]+)\)/.exec(transform);
  const [a, , , , e, f] = m ? m[1]!.split(',').map(Number) : [1, 0, 0, 1, 0, 0];
  return { x: e!, y: f!, zoom: a!, pane };
}

export async function zoomOut(page: Page, clicks: number): Promise<void> {
  for (let i = 0; i < clicks; i++) await page.locator('.react-flow__controls-zoomout').click();
  // The view glides out; it has settled when two readings 150 ms apart agree.
  let last = '';
  await vi.waitFor(
    async () => {
      const now = JSON.stringify(await viewport(page));
      const settled = now === last;
      last = now;
      if (!settled) throw new Error(`The view is still moving after zooming out: ${now}`);
    },
    { timeout: 15_000, interval: 150 },
  );
}

/** Drags a kind from the palette and drops it so that the new step's corner lands on `at` (in file coordinates). */
export async function dropKind(page: Page, kind: string, at: Point): Promise<void> {
  const view = await viewport(page);
  const target = { x: view.x + at.x * view.zoom, y: view.y + at.y * view.zoom };
  if (target.x < 0 || target.y < 0 || target.x > view.pane.width || target.y > view.pane.height) {
    throw new Error(`(${at.x}, ${at.y}) is outside the visible canvas at zoom ${view.zoom}`);
  }
  await page.locator(`.palette-item[data-kind="${kind}"]`).dragTo(page.locator('.react-flow__pane'), { targetPosition: target, force: true });
}

export function step(page: Page, id: string) {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

/** Presses on an exit's handle and releases over the middle of another step. */
export async function connectPort(page: Page, source: string, port: string, target: string): Promise<void> {
  const handle = await step(page, source).locator(`.react-flow__handle[data-handleid="${port}"]`).boundingBox();
  const box = await step(page, target).boundingBox();
  if (!handle || !box) throw new Error(`cannot see exit ${port} of ${source} or the step ${target}`);
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
}

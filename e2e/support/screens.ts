/// <reference lib="dom" />
// Helpers for the dashboard's screen specs: axe-core's serious and critical findings, whether a page
// scrolls, and which elements stick out of their card.
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';

export type ColorScheme = 'light' | 'dark';

export const VIEWPORTS = [
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '1366x768', width: 1366, height: 768 },
  { name: '390x844', width: 390, height: 844 },
] as const;

/** axe-core's findings that block someone (serious, critical), as "rule: target" lines for a readable diff. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.slice(0, 5).map((node) => `${v.id}: ${node.target.join(' ')} — ${node.failureSummary ?? ''}`),
    );
}

/** How far the document scrolls beyond the viewport, in each direction (0 and 0: it does not scroll). */
export async function scrollOverflow(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const doc = document.scrollingElement ?? document.documentElement;
    return { x: doc.scrollWidth - window.innerWidth, y: doc.scrollHeight - window.innerHeight };
  });
}

/** The elements inside a card whose box reaches outside the card's (a pixel of rounding allowed). */
export async function overflowingChildren(card: Locator): Promise<string[]> {
  return card.evaluate((root) => {
    const box = root.getBoundingClientRect();
    const out: string[] = [];
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (
        r.left < box.left - 1 ||
        r.right > box.right + 1 ||
        r.top < box.top - 1 ||
        r.bottom > box.bottom + 1
      ) {
        out.push(
          `${el.tagName.toLowerCase()}.${String(el.getAttribute('class') ?? '')} ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} outside ${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.right)},${Math.round(box.bottom)}`,
        );
      }
    }
    return out;
  });
}

/** The outermost elements reaching past the right edge of the viewport: what makes a page scroll sideways. */
export async function sticksOutRight(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.right <= window.innerWidth + 1 || r.width === 0) continue;
      const parent = el.parentElement?.getBoundingClientRect();
      if (parent && parent.right > window.innerWidth + 1) continue;
      out.push(
        `${el.tagName.toLowerCase()}.${String(el.getAttribute('class') ?? '')} right=${Math.round(r.right)}`,
      );
    }
    return out.slice(0, 10);
  });
}

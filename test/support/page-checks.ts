import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_21_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeViolation {
  id: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core's WCAG 2.1 A and AA rules on the page as it stands. The engine is
 * put in through the DevTools protocol (Playwright's evaluate), which the
 * page's CSP does not govern: the page itself still allows no script but its own.
 */
export async function axeViolations(page: Page): Promise<Array<{ id: string; targets: string[] }>> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } })
      .axe;
    const page = globalThis as unknown as { document: unknown };
    return (await axe.run(page.document, { runOnly: { type: 'tag', values: tags } })).violations;
  }, WCAG_21_A_AA);
  return violations.map(({ id, nodes }) => ({ id, targets: nodes.flatMap((node) => node.target) }));
}

/** What the page said in its status or alert element, once it has said something (the API answers first). */
export async function announced(page: Page, role: 'status' | 'alert'): Promise<string> {
  // A locator waits through Playwright's selector engine: a string predicate would be an eval, which the page's CSP refuses.
  const spoken = page.getByRole(role).filter({ hasText: /\S/ });
  await spoken.waitFor();
  return (await spoken.textContent()) ?? '';
}

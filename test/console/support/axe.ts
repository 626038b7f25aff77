/*
 * axe-core in a console page: injects the library and reports WCAG 2 A/AA violations as readable lines.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** WCAG 2.0 and 2.1, levels A and AA (axe's rule tags). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Impacts that fail a page; minor/moderate ones are reported by axe but tolerated. */
export const FAILING_IMPACTS = ['serious', 'critical'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

let source: string | undefined;

/**
 * Makes `window.axe` available. The console's CSP (`script-src 'self'`) refuses the inline <script> that
 * page.addScriptTag({ path }) would add (and logs that as a console error), so the same file is evaluated
 * through the DevTools protocol instead, which CSP does not govern; the page's real CSP stays in force.
 */
export async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => 'axe' in globalThis)) return;
  source ??= readFileSync(require.resolve('axe-core'), 'utf8');
  await page.evaluate(source);
}

/** Runs axe on the whole document with the WCAG 2 A/AA rules and returns every violation. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await injectAxe(page);
  return page.evaluate(async (tags) => {
    // Runs in the page (the test tsconfig has no DOM types): axe.run(options) checks the whole document.
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<unknown> } }).axe;
    const result = (await axe.run({
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    })) as { violations: AxeViolation[] };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String),
        html: n.html.slice(0, 160),
        failureSummary: n.failureSummary,
      })),
    }));
  }, WCAG_TAGS);
}

/** Serious and critical violations as one line per element: `page: rule (impact) at target: help`. */
export function seriousViolations(where: string, violations: AxeViolation[]): string[] {
  const lines: string[] = [];
  for (const v of violations) {
    if (!v.impact || !FAILING_IMPACTS.includes(v.impact)) continue;
    for (const node of v.nodes.slice(0, 5))
      lines.push(
        `${where}: ${v.id} (${v.impact}) at ${node.target.join(' ')}: ${v.help}` +
          (node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, ' ').slice(0, 200)}` : '') +
          ` [${node.html}]`,
      );
    if (v.nodes.length > 5) lines.push(`${where}: ${v.id}: … and ${v.nodes.length - 5} more elements`);
  }
  return lines;
}

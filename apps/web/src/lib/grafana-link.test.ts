// The Grafana dashboard (deploy/grafana/hopwatch.json) links here with Grafana's ${__from}/${__to}, which it
// fills in as epoch milliseconds: this app must read such a link as exactly that fixed window.
import { describe, expect, it } from 'vitest';
import dashboardText from '../../../../deploy/grafana/hopwatch.json?raw';
import { parseViewWindow } from './view-window';

interface Link {
  url: string;
}
interface Dashboard {
  links: Link[];
  panels: { fieldConfig?: { defaults?: { links?: Link[] } } }[];
}

const dashboard = JSON.parse(dashboardText) as Dashboard;
const links = [...dashboard.links, ...dashboard.panels.flatMap((p) => p.fieldConfig?.defaults?.links ?? [])];

/** What Grafana makes of a data link at click time. */
function interpolate(url: string, values: Record<string, string>): string {
  return url.replace(/\$\{([^}]+)\}/g, (_, name: string) => values[name] ?? '');
}

describe("the Grafana dashboard's links into hopwatch", () => {
  const from = Date.UTC(2026, 10, 30, 6, 0, 0);
  const to = Date.UTC(2026, 10, 30, 7, 30, 0);

  it.each(links.map((link) => [link.url]))('%s opens the panel window', (url) => {
    const clicked = new URL(
      interpolate(url, {
        hopwatch_url: 'https://hopwatch.example.com',
        __from: String(from),
        __to: String(to),
        '__field.labels.target': 't3',
      }),
    );
    expect(parseViewWindow(clicked.searchParams)).toEqual({ kind: 'fixed', from, to });
    expect(clicked.pathname).toBe('/');
    if (url.includes('target=')) expect(clicked.searchParams.get('target')).toBe('t3');
  });

  it('exist', () => {
    expect(links.length).toBeGreaterThan(1);
  });
});

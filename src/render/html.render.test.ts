// The HTML page is opened by people who did not write the report: whatever a writer (or an imported file)
// put in a field must come out as text, never as markup, script or a link that runs code.
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { renderHtml } from './html.render.js';
import { escapeHtml, renderProse } from './prose.render.js';

const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;

/** The page with its stylesheet removed, so the checks look only at what came from the report. */
const body = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/, '');

describe('escapeHtml', () => {
  it('escapes the five characters that matter in element content and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml('plain text, 42 €')).toBe('plain text, 42 €');
  });
});

describe('renderProse', () => {
  it('drops raw HTML and keeps the Markdown around it', () => {
    const html = renderProse(`Before ${HOSTILE} after **bold**`);
    expect(html).not.toMatch(/<script|<img|onerror/i);
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('Before');
  });

  it('keeps http links and removes javascript:, data: and vbscript: targets', () => {
    const html = renderProse(
      '[ok](https://status.example.com/x) [bad](javascript:alert(1)) [worse](data:text/html,<b>x</b>) [old](vbscript:msgbox)',
    );
    expect(html).toContain('href="https://status.example.com/x"');
    expect(html).not.toMatch(/javascript:|data:text|vbscript:/i);
    expect(html).toContain('bad');
  });

  it('does not let an autolink or a reference definition smuggle a script URL', () => {
    const html = renderProse('<javascript:alert(1)>\n\n[x][r]\n\n[r]: javascript:alert(2)');
    expect(html).not.toMatch(/href="javascript:/i);
  });
});

describe('renderHtml', () => {
  it('escapes every plain field: title, people, tags, timeline text, action fields', () => {
    const report = buildReport({ title: `Outage ${HOSTILE}`, tags: [`tag${HOSTILE}`] });
    report.authors = [`Robin ${HOSTILE}`];
    report.details.timeline[0]!.text = `Deployed ${HOSTILE}`;
    report.actions.items[0]!.title = `Fix ${HOSTILE}`;
    const page = body(renderHtml(report));
    expect(page).not.toMatch(/<script|<img/i);
    expect(page).toContain('Outage &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Deployed &lt;script&gt;');
    expect(page).toContain('Fix &lt;script&gt;');
    expect(page).toContain('Robin &lt;script&gt;');
  });

  it('renders prose fields through the sanitizer (raw HTML gone, Markdown kept)', () => {
    const report = buildReport();
    report.summary.whatHappened = `It broke. ${HOSTILE} See [the graph](javascript:alert(3)).`;
    const page = body(renderHtml(report));
    expect(page).toContain('It broke.');
    expect(page).not.toMatch(/<script|<img|javascript:/i);
  });

  it('links only http(s) URLs in link fields and escapes the rest as text', () => {
    const report = buildReport();
    const change = {
      at: '2024-03-05T13:00:00Z',
      change: 'Config pushed',
      link: 'javascript:alert(4)',
    };
    report.analysis.changes = [change, { ...change, link: 'https://git.example.com/c/1?a=1&b=2' }];
    const page = body(renderHtml(report));
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).toContain('javascript:alert(4)');
    expect(page).toContain('href="https://git.example.com/c/1?a=1&amp;b=2"');
  });
});

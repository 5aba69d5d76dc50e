import { describe, expect, it } from 'vitest';
import { presentSearchPage, presentSnippet, searchPageJson } from './presenters.js';

describe('presentSnippet', () => {
  it('marks the matched words and escapes everything the report text brought', () => {
    const hit = presentSnippet('the \u0001<b>gossip</b>\u0002 mesh & "friends"');
    expect(hit.snippet).toBe('the <b>gossip</b> mesh & "friends"');
    expect(hit.snippetHtml).toBe('the <mark>&lt;b&gt;gossip&lt;/b&gt;</mark> mesh &amp; &quot;friends&quot;');
  });
});

describe('searchPageJson', () => {
  it('writes the text JSON.stringify gives of the presented page, whatever the snippet holds', () => {
    const snippets = [
      'plain \u0001words\u0002 only…',
      'the \u0001<b>gossip</b>\u0002 mesh & "friends" it\'s',
      'a tab\there, a line\nand a back\\slash \u0001word\u0002',
      'an emoji 😀 and a lone \ud800 surrogate \u0001café\u0002',
      'lines\nonly \u0001here\u0002\n',
      'a line\nand a \u0001quote\u0002 " too',
      'a line\r\nended so',
    ];
    const summary = { id: 'r-1', title: 'A title' };
    const page = {
      total: 4,
      totalExact: true,
      hits: snippets.map((snippet) => ({ summary: JSON.stringify(summary), score: 1.5, snippet })),
    };
    const expected = presentSearchPage(
      {
        total: 4,
        totalExact: true,
        items: snippets.map((snippet) => ({ ...summary, score: 1.5, snippet }) as never),
      },
      50,
      0,
    );
    expect(searchPageJson(page, 50, 0)).toBe(JSON.stringify(expected));
  });
});

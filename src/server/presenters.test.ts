import { describe, expect, it } from 'vitest';
import { presentSnippet } from './presenters.js';

describe('presentSnippet', () => {
  it('marks the matched words and escapes everything the report text brought', () => {
    const hit = presentSnippet('the \u0001<b>gossip</b>\u0002 mesh & "friends"');
    expect(hit.snippet).toBe('the <b>gossip</b> mesh & "friends"');
    expect(hit.snippetHtml).toBe('the <mark>&lt;b&gt;gossip&lt;/b&gt;</mark> mesh &amp; &quot;friends&quot;');
  });
});

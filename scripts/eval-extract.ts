// Pulls candidate sentences out of the real post-mortems copied into src/lint/fixtures/eval/reports, so the
// evaluation set is built from text nobody tuned the rules to. Run once; the output is labelled by hand.
// Usage: npx tsx scripts/eval-extract.ts > /tmp/candidates.jsonl
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../src/lint/fixtures/eval/reports/', import.meta.url);
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort()) {
  const text = readFileSync(new URL(file, dir), 'utf8');
  let fenced = false;
  const seen = new Set<string>();
  // Hard-wrapped paragraphs and list items are joined back into one line before splitting sentences.
  const blocks: string[] = [];
  let open = false;
  for (const raw of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      open = false;
      continue;
    }
    if (fenced || /^\s*(#|<img|\|\s*-{3})/.test(raw) || raw.trim() === '') {
      open = false;
      continue;
    }
    const startsItem = /^\s*(?:[-*+]|\d{1,3}[.)])\s|^\s*\|/.test(raw);
    if (open && !startsItem) blocks[blocks.length - 1] += ` ${raw.trim()}`;
    else blocks.push(raw);
    open = !raw.trim().startsWith('|');
  }
  for (const raw of blocks) {
    const cells = raw.trim().startsWith('|') ? raw.split('|') : [raw];
    for (const cell of cells) {
      const line = cell.replace(/^\s*(?:[-*+]|\d{1,3}[.)])\s+/, '').trim();
      for (const s of line.split(/(?<=[.!?])\s+(?=[A-Z`"])/)) {
        const words = s.split(/\s+/).length;
        if (words < 4 || words > 70 || seen.has(s)) continue;
        seen.add(s);
        console.log(JSON.stringify({ source: file.replace(/\.md$/, ''), text: s }));
      }
    }
  }
}

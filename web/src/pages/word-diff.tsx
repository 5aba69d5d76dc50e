import { diffWordsWithSpace } from 'diff';
import { preview } from '../editor/model.js';

/** Longest text compared word by word; past it the two versions are shown whole (diffs grow with n·m). */
const WORD_DIFF_LIMIT = 20_000;

/**
 * One changed field: the text before and after, with the words removed and added marked (jsdiff), so a
 * one-word change in a long paragraph is seen at once.
 */
export function WordDiff({ from, to, op }: { from: unknown; to: unknown; op: string }) {
  const before = op === 'add' ? '' : preview(from);
  const after = op === 'remove' ? '' : preview(to);
  if (before.length + after.length > WORD_DIFF_LIMIT || op !== 'change') {
    return (
      <>
        <td className="del">{before}</td>
        <td className="ins">{after}</td>
      </>
    );
  }
  const parts = diffWordsWithSpace(before, after);
  return (
    <>
      <td className="del">
        {parts.map((p, i) =>
          p.added ? null : p.removed ? <del key={i}>{p.value}</del> : <span key={i}>{p.value}</span>,
        )}
      </td>
      <td className="ins">
        {parts.map((p, i) =>
          p.removed ? null : p.added ? <ins key={i}>{p.value}</ins> : <span key={i}>{p.value}</span>,
        )}
      </td>
    </>
  );
}

// Reading a word in its sentence: the checks several prose rules share before they judge a word.

// "Impact: High", "**Severity:** Major (High Impact)", "Time to detection: 8 minutes": a field label with a short
// value records a fact in a form; it is not prose to weigh. A label followed by a full sentence is read as prose.
const LABEL = /^\s*[\p{Lu}][\p{L}\p{N} /&()'’-]{0,40}:\s*/u;

/** The length of a leading `Label:` (0 when there is none), so rules can read only the value after it. */
export function labelLength(text: string): number {
  const m = LABEL.exec(text);
  return m ? m[0].length : 0;
}

/** True when the sentence is a `Label: value` field whose value is too short to be a statement. */
export function isLabelField(text: string): boolean {
  const n = labelLength(text);
  if (n === 0) return false;
  // "Q: …", "A: …": a speaker's line in a transcript, not a form's field.
  if (/^\s*\p{Lu}\s*:/u.test(text)) return false;
  const value = text.slice(n);
  return (value.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) <= 5;
}

const NEGATION_BEFORE =
  /\b(?:no|not|never|nothing|none|nobody|without|hardly|neither|nor|isn['’]t|wasn['’]t|aren['’]t|weren['’]t|don['’]t|doesn['’]t|didn['’]t)\s+(?:\S+\s+)?$/iu;

// A clause whose subject is negated says the word of nobody: "None of the responders was careless", "Nobody was
// negligent here".
const NEGATED_SUBJECT =
  /^\s*(?:none\s+of|nobody|no\s+one|no-one|neither|not\s+one\s+of)\b[^.!?]{0,80}?\b(?:was|were|is|are|seemed|looked|acted|had\s+been)\s+(?:\S+\s+)?$/iu;

/**
 * True when a word at `index` is under a negation a word or two before it ("no obvious cause", "not a mess"), or is
 * said of a negated subject ("none of them was careless").
 */
export function negatedAt(text: string, index: number): boolean {
  if (NEGATION_BEFORE.test(text.slice(Math.max(0, index - 40), index))) return true;
  const before = text.slice(Math.max(0, index - 120), index);
  const cut = Math.max(before.lastIndexOf(','), before.lastIndexOf(';'), before.lastIndexOf(':'));
  return NEGATED_SUBJECT.test(before.slice(cut + 1));
}

import { describe, expect, it } from 'vitest';
import { loadEvalSet, loadTrainingSet } from './eval-set.js';

// The blame training pairs (fixtures/train/blame-pairs.json) are training only: the model's folds keep a pair together
// by its id, and no sentence of theirs may also be an evaluation sentence, or the held-out figures would read text the
// model was fitted on.
describe('the blame training pairs', () => {
  const training = loadTrainingSet();

  it('are pairs of two sentences with opposite labels, under unique ids', () => {
    expect(training.pairs.length).toBeGreaterThanOrEqual(400);
    const ids = training.pairs.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const pair of training.pairs) {
      expect(pair.id).toMatch(/^bp\d{3}$/u);
      expect(pair.style).not.toBe('');
      expect(pair.sentences).toHaveLength(2);
      expect(pair.sentences.map((s) => s.blame).sort()).toEqual([false, true]);
      for (const s of pair.sentences) expect(s.text.trim().length).toBeGreaterThan(10);
    }
  });

  it('hold each sentence once, and none that is in the evaluation set', () => {
    const texts = training.pairs.flatMap((p) => p.sentences.map((s) => s.text));
    expect(new Set(texts).size).toBe(texts.length);
    const set = loadEvalSet();
    const evaluation = new Set([...set.sentences, ...set.generalization].map((s) => s.text.trim()));
    expect(texts.filter((t) => evaluation.has(t.trim()))).toEqual([]);
  });

  it('hold no evaluation sentence told again with other names (word overlap under 0.8, names masked)', () => {
    // Capitalised words stand for names; a sentence kept with only its people changed would still be text the
    // held-out figures read.
    const words = (t: string) =>
      new Set(
        t
          .replace(/\b\p{Lu}[\p{L}'’]*/gu, 'NAME')
          .toLowerCase()
          .match(/[\p{L}\p{N}'’]+/gu) ?? [],
      );
    const overlap = (a: Set<string>, b: Set<string>) => {
      let both = 0;
      for (const w of a) if (b.has(w)) both += 1;
      return both / (a.size + b.size - both);
    };
    const set = loadEvalSet();
    const evaluation = [...set.sentences, ...set.generalization].map((s) => words(s.text));
    const near = training.pairs.flatMap((p) =>
      p.sentences
        .filter((s) => {
          const w = words(s.text);
          return evaluation.some((e) => overlap(w, e) >= 0.8);
        })
        .map(() => p.id),
    );
    expect(near).toEqual([]);
  });

  it('name people the report they are read in lists', () => {
    expect(training.people.length).toBeGreaterThan(0);
    const given = training.people.map((p) => p.split(' ')[0] as string);
    const named = given.filter((g) =>
      training.pairs.some((p) => p.sentences.some((s) => s.text.includes(g))),
    );
    expect(named).toEqual(given);
  });
});

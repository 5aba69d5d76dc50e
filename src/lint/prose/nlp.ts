import { createRequire } from 'node:module';
import type compromise from 'compromise';

type Nlp = typeof compromise;
let loaded: Nlp | undefined;

/**
 * compromise (part-of-speech tags, verb forms), loaded the first time a rule asks: most sentences are judged by
 * patterns alone, and loading it costs more than the rest of a lint run. Its prebuilt CommonJS file (the same
 * version, one file) loads in about 0.45 s of CPU where its ES modules take 0.8 s.
 */
export function nlp(text: string): ReturnType<Nlp> {
  loaded ??= createRequire(import.meta.url)('compromise') as Nlp;
  return loaded(text);
}

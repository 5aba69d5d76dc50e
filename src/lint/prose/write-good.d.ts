declare module 'write-good' {
  interface Suggestion {
    index: number;
    offset: number;
    reason: string;
  }
  type Checks = Partial<
    Record<
      'weasel' | 'illusion' | 'so' | 'thereIs' | 'passive' | 'adverb' | 'tooWordy' | 'cliches' | 'eprime',
      boolean
    >
  >;
  function writeGood(text: string, options?: Checks & { whitelist?: string[] }): Suggestion[];
  export default writeGood;
}

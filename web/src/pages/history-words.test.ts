import { describe, expect, it } from 'vitest';
import { pathWords, revisionWords } from './history-words.js';

describe('history in a writer’s words', () => {
  it('names sections, list items and fields as the editor does', () => {
    expect(pathWords(['summary', 'whatHappened'])).toBe('Executive summary › What happened');
    expect(pathWords(['actions', 'items', 2, 'owner'])).toBe('Action items › Item 3 › Owner');
    expect(pathWords(['materials', 'items', 0])).toBe('Supporting materials › Item 1');
    expect(pathWords(['details', 'timeline', 11, 'text'])).toBe(
      'Event details › Timeline › Event 12 › Description',
    );
    expect(pathWords(['analysis', 'fishbone', 0, 'subCauses', 1])).toBe(
      'Root cause analysis › Fishbone › Cause 1 › Details › Item 2',
    );
    expect(pathWords(['title'])).toBe('Basics › Title');
    expect(pathWords(['period', 'start'])).toBe('Basics › When › Started');
    expect(pathWords(['lessons', 'wentWell', 0, 'text'])).toBe(
      'Lessons › Went well › Lesson 1 › Description',
    );
  });

  it('spells state changes and edited sections in words', () => {
    expect(revisionWords('moved from in_review to published')).toBe('moved from in review to published');
    expect(revisionWords('edited summary')).toBe('edited Executive summary');
    expect(revisionWords('restored version 3')).toBe('restored version 3');
  });
});

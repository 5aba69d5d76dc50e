import { describe, expect, it } from 'vitest';
import { rosterToText, textToRoster } from './roster-editor.js';

describe('roster lines', () => {
  it('writes the roster as lines and reads it back', () => {
    const roster = [
      { name: 'Ada Admin', email: 'ada@example.test', team: 'Platform' },
      { name: 'Rita Reviewer' },
      { name: 'Sam Ops', team: 'Payments, EU' },
    ];
    expect(rosterToText(roster)).toBe(
      'Ada Admin <ada@example.test>, Platform\nRita Reviewer\nSam Ops, Payments, EU',
    );
    expect(textToRoster(`${rosterToText(roster)}\n\n   `)).toEqual(roster);
    expect(textToRoster('Lee <lee@example.test>')).toEqual([{ name: 'Lee', email: 'lee@example.test' }]);
  });
});

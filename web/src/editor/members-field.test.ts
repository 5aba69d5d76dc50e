import { describe, expect, it } from 'vitest';
import { memberFor, type Account } from './members-field.js';

const accounts: Account[] = [
  { id: 'u-1', name: 'Dana Lee', email: 'dana@example.test' },
  { id: 'u-2', name: 'Sam Same', email: 'sam1@example.test' },
  { id: 'u-3', name: 'Sam Same', email: 'sam2@example.test' },
];

describe('memberFor', () => {
  it('names accounts by e-mail: from an e-mail, a user id, or a name only one account has', () => {
    expect(memberFor('DANA@example.test', accounts)).toBe('dana@example.test');
    expect(memberFor('u-1', accounts)).toBe('dana@example.test');
    expect(memberFor(' Dana Lee ', accounts)).toBe('dana@example.test');
    expect(memberFor('Sam Same', accounts)).toBeUndefined();
    expect(memberFor('Nobody', accounts)).toBeUndefined();
    expect(memberFor('new.hire@example.test', accounts)).toBe('new.hire@example.test');
  });
});

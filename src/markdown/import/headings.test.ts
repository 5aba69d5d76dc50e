import { describe, expect, it } from 'vitest';
import { classifyHeading } from './headings.js';

describe('headings by meaning', () => {
  it('maps questions and other wordings to the section they stand for', () => {
    const cases: [string, string][] = [
      ['What caused it?', 'rootCause'],
      ['Why did it happen?', 'rootCause'],
      ['How do we stop this from recurring?', 'actions'],
      ['What are we going to do about it?', 'actions'],
      ['How will we prevent this in future?', 'actions'],
      ['What went right?', 'wentWell'],
      ['Where were we lucky?', 'lucky'],
      ['Insights', 'lessons'],
      ['What did we learn?', 'lessons'],
      ['Resolution', 'resolution'],
      ['How did we fix it?', 'resolution'],
      ['How was it detected?', 'detection'],
      ['Remediation', 'remediation'],
      ['Attendees', 'attendees'],
      ['Who was involved?', 'attendees'],
      ['5 Whys', 'whys'],
      ['The Five Whys', 'whys'],
      ['What happened?', 'summary'],
      ['Who was affected?', 'impact'],
    ];
    for (const [heading, role] of cases) expect(classifyHeading(heading), heading).toBe(role);
  });

  it('leaves headings that name no section alone', () => {
    for (const heading of ['Chat log', 'Q&A', 'Glossary', 'Database internals']) {
      expect(classifyHeading(heading), heading).toBeUndefined();
    }
  });
});

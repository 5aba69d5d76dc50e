// V. Lessons: what went well, what went wrong, what could improve, where we got lucky.
import { useContext } from 'react';
import { Block, InternalToggle, RemoveButton, SetContext, TextField, useRemoveRow } from '../fields.js';
import { nextId } from '../model.js';
import { useGuide, type SectionProps } from './shared.js';

const LESSON_LISTS = [
  ['wentWell', 'Went well'],
  ['wentWrong', 'Went wrong'],
  ['couldImprove', 'Could improve'],
  ['lucky', 'Where we got lucky'],
] as const;

export function LessonsSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  const removeRow = useRemoveRow();
  const guide = useGuide(report, settings);
  const l = report.lessons;
  const allIds = LESSON_LISTS.flatMap(([k]) => l[k].map((x) => x.id));
  return (
    <div className="columns">
      {LESSON_LISTS.map(([key, title]) => (
        <Block key={key} title={title} guide={guide(`lessons.${key}`)} path={['lessons', key]}>
          <ul className="plain">
            {l[key].map((lesson, i) => (
              <li key={i} className="lesson-row">
                <TextField
                  path={['lessons', key, i, 'text']}
                  label={`${title}: lesson ${lesson.id}`}
                  value={lesson.text}
                  multiline
                  rows={3}
                />
                <InternalToggle mark={lesson.id} label={`lesson ${lesson.id}`} />
                <RemoveButton
                  label={`Remove lesson ${lesson.id}`}
                  onClick={() => removeRow(['lessons', key], l[key], i)}
                />
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => set(['lessons', key, l[key].length], { id: nextId('L', allIds), text: '' })}
          >
            Add to “{title}”
          </button>
        </Block>
      ))}
    </div>
  );
}

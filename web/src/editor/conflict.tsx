import { useEffect, useRef, useState } from 'react';
import type { Report } from '../../../src/domain/report.schema.js';
import {
  compareParts,
  defaultChoice,
  leafChanges,
  mergeParts,
  PART_LABELS,
  partOf,
  preview,
  type Choice,
  type Part,
} from './model.js';

/**
 * Someone saved the report while this person was editing. Show, part by part, who changed what, and
 * let them keep theirs, take the other version, or choose per section. Nothing is dropped unasked:
 * a part only one side touched keeps that side's change by default.
 */
export function ConflictDialog({
  base,
  mine,
  theirs,
  onResolve,
}: {
  base: Report;
  mine: Report;
  theirs: Report;
  onResolve: (merged: Report) => void;
}) {
  const changes = compareParts(base, mine, theirs).filter((c) => c.mine || c.theirs);
  const [choices, setChoices] = useState<Partial<Record<Part, Choice>>>(() =>
    Object.fromEntries(changes.map((c) => [c.part, defaultChoice(c)])),
  );
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const all = (choice: Choice) =>
    onResolve(mergeParts(mine, theirs, Object.fromEntries(changes.map((c) => [c.part, choice]))));

  return (
    <dialog
      ref={dialog}
      className="dialog wide"
      aria-labelledby="conflict-title"
      onCancel={(e) => e.preventDefault()}
    >
      <h2 id="conflict-title">Someone else changed this report</h2>
      <p>
        Another save happened while you were editing. Choose, section by section, which version to keep.
        Sections only one of you changed keep that change unless you say otherwise.
      </p>
      <div className="conflict-parts">
        {changes.map((c) => {
          const diffs = leafChanges(partOf(mine, c.part), partOf(theirs, c.part)).slice(0, 12);
          const name = `choice-${c.part}`;
          return (
            <fieldset key={c.part} className={`conflict-part ${c.conflict ? 'both' : ''}`}>
              <legend>
                {PART_LABELS[c.part]} —{' '}
                {c.conflict
                  ? 'changed by both of you'
                  : c.mine
                    ? 'changed by you'
                    : 'changed by someone else'}
              </legend>
              {diffs.length > 0 && (
                <table className="diff">
                  <thead>
                    <tr>
                      <th scope="col">Field</th>
                      <th scope="col">Yours</th>
                      <th scope="col">Theirs</th>
                    </tr>
                  </thead>
                  <tbody>
                    {diffs.map((d) => (
                      <tr key={d.path.join('.')}>
                        <th scope="row">{d.path.join('.') || '(whole)'}</th>
                        <td>{preview(d.a)}</td>
                        <td>{preview(d.b)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <div className="choices" role="radiogroup" aria-label={`Version of ${PART_LABELS[c.part]}`}>
                <label>
                  <input
                    type="radio"
                    name={name}
                    checked={choices[c.part] === 'mine'}
                    onChange={() => setChoices({ ...choices, [c.part]: 'mine' })}
                  />
                  Keep mine
                </label>
                <label>
                  <input
                    type="radio"
                    name={name}
                    checked={choices[c.part] === 'theirs'}
                    onChange={() => setChoices({ ...choices, [c.part]: 'theirs' })}
                  />
                  Take theirs
                </label>
              </div>
            </fieldset>
          );
        })}
      </div>
      <div className="buttons">
        <button
          type="button"
          className="primary"
          onClick={() => onResolve(mergeParts(mine, theirs, choices))}
        >
          Merge my choices
        </button>
        <button type="button" onClick={() => all('mine')}>
          Keep all of mine
        </button>
        <button type="button" onClick={() => all('theirs')}>
          Take all of theirs
        </button>
      </div>
    </dialog>
  );
}

// Basics: title, kind, severity, period, people, visibility and the other facts about the report.
import { useContext } from 'react';
import { DETECTION_METHODS, REPORT_KINDS, VISIBILITIES } from '../../../../src/domain/report.schema.js';
import { MembersField } from '../members-field.js';
import { EnumSelect } from '../../ui.js';
import { ChipsField, FieldFindings, fieldId, SetContext, TextField } from '../fields.js';
import { fromLocalInput, toLocalInput } from '../model.js';
import type { SectionProps } from './shared.js';

export function BasicsSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  return (
    <div>
      <TextField
        path={['title']}
        label="Title"
        value={report.title}
        guide="Name what was affected and when."
      />
      <div className="row">
        <EnumSelect
          label="Kind"
          id={fieldId(['kind'])}
          value={report.kind}
          options={REPORT_KINDS}
          onChange={(v) => v && set(['kind'], v)}
        />
        <EnumSelect
          label="How it was detected"
          id={fieldId(['detection'])}
          value={report.detection}
          options={DETECTION_METHODS}
          empty="not stated"
          onChange={(v) => set(['detection'], v)}
        />
      </div>
      <fieldset className="severity" id={fieldId(['severity'])} tabIndex={-1}>
        <legend>Severity</legend>
        <p className="guide">
          Pick the level whose definition fits the facts; explain why under Event details.
        </p>
        {settings.severityScale.levels.map((l) => (
          <label key={l.id} className="severity-level">
            <input
              type="radio"
              name="severity"
              value={l.id}
              checked={report.severity === l.id}
              onChange={() => set(['severity'], l.id)}
            />
            <span>
              <strong>
                {l.id} · {l.name}
              </strong>
              <span className="definition">{l.definition}</span>
            </span>
          </label>
        ))}
        <label className="severity-level">
          <input
            type="radio"
            name="severity"
            checked={!report.severity}
            onChange={() => set(['severity'], undefined)}
          />
          <span>Not decided yet</span>
        </label>
        <FieldFindings path={['severity']} />
      </fieldset>
      <fieldset className="row">
        <legend>When (UTC)</legend>
        <div className="field">
          <label htmlFor={fieldId(['period', 'start'])}>Started</label>
          <input
            id={fieldId(['period', 'start'])}
            type="datetime-local"
            step={1}
            value={toLocalInput(report.period.start)}
            onChange={(e) => set(['period', 'start'], fromLocalInput(e.target.value) ?? undefined)}
          />
          <FieldFindings path={['period', 'start']} />
        </div>
        <div className="field">
          <label htmlFor={fieldId(['period', 'end'])}>Ended</label>
          <input
            id={fieldId(['period', 'end'])}
            type="datetime-local"
            step={1}
            value={toLocalInput(report.period.end)}
            onChange={(e) => set(['period', 'end'], fromLocalInput(e.target.value) ?? undefined)}
          />
        </div>
        <TextField
          path={['period', 'timezone']}
          label="Time zone of the team"
          value={report.period.timezone}
        />
      </fieldset>
      <div className="grid2">
        <ChipsField path={['authors']} label="Authors" values={report.authors} markable />
        <TextField path={['facilitator']} label="Facilitator" value={report.facilitator} />
        <ChipsField
          path={['reviewers']}
          label="Reviewers"
          values={report.reviewers}
          markable
          guide="Names or emails of the people who must approve it."
        />
        <ChipsField path={['involved']} label="People involved" values={report.involved} markable />
        <ChipsField path={['tags']} label="Tags" values={report.tags} markable />
        <ChipsField path={['systems']} label="Affected systems" values={report.systems} markable />
        <ChipsField
          path={['recurrenceOf']}
          label="Recurrence of (report ids)"
          values={report.recurrenceOf ?? []}
          guide="Ids of earlier reports whose problem came back in this one; their fixes for the same cause are flagged."
        />
      </div>
      <EnumSelect
        label="Visibility"
        id={fieldId(['visibility'])}
        value={report.visibility}
        options={VISIBILITIES}
        onChange={(v) => v && set(['visibility'], v)}
      />
      {report.visibility === 'restricted' && <MembersField values={report.members} />}
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { REPORT_KINDS, type ReportKind } from '../../../src/domain/report.schema.js';
import { guidanceFor, type GuidanceKey } from '../../../src/domain/templates.js';
import { api, errorText } from '../api.js';
import type { Settings } from '../types.js';
import { pathWords } from './history-words.js';
import { CodeOptions, Status } from '../ui.js';

type Template = Settings['templates'][number];

/** The blocks of a report a template can add guidance to. */
const BLOCKS = [
  'summary.whatHappened',
  'summary.impact',
  'summary.coreIssue',
  'summary.keyLessons',
  'summary.nextSteps',
  'details.timeline',
  'details.severityRationale',
  'details.affected',
  'details.howFound',
  'details.stepsTaken',
  'impact.financial',
  'impact.figures',
  'impact.operational',
  'impact.reputational',
  'impact.customer',
  'impact.team',
  'analysis.primaryCause',
  'analysis.factors',
  'analysis.causalChain',
  'analysis.fiveWhys',
  'analysis.fishbone',
  'analysis.barriers',
  'analysis.changes',
  'lessons.wentWell',
  'lessons.wentWrong',
  'lessons.couldImprove',
  'lessons.lucky',
  'actions.items',
  'materials.items',
  'materials.appendices',
] as const satisfies readonly GuidanceKey[];

/** Admin: the organization's templates — a kind, tags every new report gets, and guidance of its own. */
export function TemplatesEditor({
  templates,
  onSaved,
}: {
  templates: Template[];
  onSaved: () => Promise<void>;
}) {
  const [list, setList] = useState<Template[]>(templates);
  const [kind, setKind] = useState<ReportKind>('outage');
  const [block, setBlock] = useState<GuidanceKey>('summary.whatHappened');
  const [guidance, setGuidance] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  const save = async (next: Template[], done: string) => {
    setError('');
    setNotice('');
    try {
      await api('/api/settings', { method: 'PUT', body: { templates: next } });
      setList(next);
      setNotice(done);
      await onSaved();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const name = String(f.get('name')).trim();
    const dashed = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    // One dash at most at each end after the replace above; trimmed by index, as `/-+$/` is quadratic.
    const id = dashed
      .slice(dashed.startsWith('-') ? 1 : 0, dashed.endsWith('-') ? -1 : undefined)
      .slice(0, 64);
    if (!id) return setError('Give the template a name with letters or digits.');
    if (list.some((t) => t.id === id)) return setError(`A template called ${name} exists already.`);
    const description = String(f.get('description')).trim();
    const template: Template = {
      id,
      name,
      kind,
      tags: String(f.get('tags'))
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      guidance: Object.fromEntries(Object.entries(guidance).filter(([, v]) => v.trim())),
      ...(description ? { description } : {}),
    };
    void save([...list, template], `Template ${name} added.`).then(() => {
      form.reset();
      setGuidance({});
    });
  };

  return (
    <section className="card" aria-labelledby="templates-h">
      <h2 id="templates-h">Templates</h2>
      <p className="muted">
        A template gives new reports of a kind their tags and the organization’s own guidance, shown instead
        of Hindsight’s.
      </p>
      <Status tone="error">{error}</Status>
      <Status tone="ok">{notice}</Status>
      {list.length > 0 && (
        <ul className="plain">
          {list.map((t) => (
            <li key={t.id} className="row">
              <span>
                <strong>{t.name}</strong> <span className="muted">({labelOf(t.kind)})</span>
                {t.tags.length > 0 && <span className="muted"> · tags {t.tags.join(', ')}</span>}
                {Object.keys(t.guidance).length > 0 && (
                  <span className="muted"> · guidance for {Object.keys(t.guidance).length} block(s)</span>
                )}
              </span>
              <button
                type="button"
                className="small danger"
                onClick={() =>
                  void save(
                    list.filter((x) => x.id !== t.id),
                    `Template ${t.name} removed.`,
                  )
                }
              >
                Remove {t.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add} aria-labelledby="addtemplate-h">
        <h3 id="addtemplate-h">Add a template</h3>
        <div className="row wrap">
          <div className="field">
            <label htmlFor="tpl-name">Template name</label>
            <input id="tpl-name" name="name" required maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="tpl-kind">Kind of report</label>
            <select id="tpl-kind" value={kind} onChange={(e) => setKind(e.target.value as ReportKind)}>
              <CodeOptions codes={REPORT_KINDS} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="tpl-tags">Tags, separated by commas</label>
            <input id="tpl-tags" name="tags" />
          </div>
        </div>
        <div className="field">
          <label htmlFor="tpl-description">Description</label>
          <input id="tpl-description" name="description" maxLength={2000} />
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor="tpl-block">Guidance for</label>
            <select id="tpl-block" value={block} onChange={(e) => setBlock(e.target.value as GuidanceKey)}>
              {BLOCKS.map((b) => (
                <option key={b} value={b}>
                  {pathWords(b.split('.'))}
                  {guidance[b]?.trim() ? ' (written)' : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="tpl-guidance">Guidance text</label>
            <textarea
              id="tpl-guidance"
              rows={2}
              value={guidance[block] ?? ''}
              placeholder={guidanceFor(kind, block)}
              onChange={(e) => setGuidance({ ...guidance, [block]: e.target.value })}
            />
          </div>
        </div>
        <button type="submit" className="primary">
          Add template
        </button>
      </form>
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { REPORT_KINDS, type ReportKind } from '../../../src/domain/report.schema.js';
import { newReport } from '../../../src/domain/templates.js';
import { api, ApiError, errorText, type ErrorDetail } from '../api.js';
import { importSummary } from './import-summary.js';
import { navigate, useTitle } from '../router.js';
import { canEdit, useSession } from '../session.js';
import type { StoredReport } from '../types.js';
import { Status } from '../ui.js';
import { onSubmitAsync } from '../forms.js';

const KIND_HINT: Record<ReportKind, string> = {
  outage: 'A service was down or degraded.',
  security: 'Data, accounts or systems were exposed or attacked.',
  launch: 'A release or campaign fell short of (or beat) what was expected.',
  project: 'A project slipped, changed course or was stopped.',
  success: 'Something went well and is worth repeating.',
  other: 'Anything else worth learning from.',
};

/** Start a report: a kind and a template, or a Markdown file (Postmortem Markdown or a free-form write-up). */
export function NewReportPage() {
  useTitle('New report');
  const { user, settings } = useSession();
  const [kind, setKind] = useState<ReportKind>('outage');
  const [error, setError] = useState('');
  const [problems, setProblems] = useState<ErrorDetail[]>([]);
  const [busy, setBusy] = useState(false);
  const templates = settings.templates.filter((t) => t.kind === kind);

  if (!canEdit(user))
    return <p>Your account may read reports but not write them. Ask an administrator for the editor role.</p>;

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const title = String(f.get('title') ?? '').trim();
    const template = settings.templates.find((t) => t.id === f.get('template'));
    const report = newReport(kind, title ? { title } : {});
    if (template) report.tags = [...new Set([...report.tags, ...template.tags])];
    if (!report.authors.includes(user.name)) report.authors = [user.name];
    setBusy(true);
    try {
      const stored = await api<StoredReport>('/api/postmortems', { body: report });
      navigate(`/reports/${encodeURIComponent(stored.id)}/edit${template ? `?template=${template.id}` : ''}`);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  const importFile = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const file = (new FormData(e.currentTarget).get('file') as File | null) ?? null;
    if (!file || file.size === 0) return setError('Choose a Markdown file first.');
    if (file.size > 10 * 1024 * 1024) return setError('The file is larger than 10 MB.');
    setBusy(true);
    setError('');
    setProblems([]);
    try {
      const text = await file.text();
      const stored = await api<StoredReport>('/api/postmortems', {
        raw: { type: 'text/markdown', data: text },
      });
      try {
        sessionStorage.setItem(
          `hindsight.imported.${stored.id}`,
          `${file.name}: ${importSummary(stored.report)}`,
        );
      } catch {
        // Without storage the editor simply opens without the summary.
      }
      navigate(`/reports/${encodeURIComponent(stored.id)}/edit`);
    } catch (err) {
      setError(`${file.name}: ${errorText(err)}`);
      setProblems(
        err instanceof ApiError ? err.details.filter((d) => d.line !== undefined).slice(0, 20) : [],
      );
      setBusy(false);
    }
  };

  return (
    <div className="narrow-wide">
      <h1>New report</h1>
      <Status tone="error">{error}</Status>
      {problems.length > 0 && (
        <ul className="import-problems" aria-label="Problems in the file">
          {problems.map((p, i) => (
            <li key={i}>
              <strong>
                Line {p.line}
                {p.column ? `, column ${p.column}` : ''}:
              </strong>{' '}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onSubmitAsync(create)} className="stack card">
        <h2>Start from a template</h2>
        <fieldset className="kinds">
          <legend>What kind of event?</legend>
          {REPORT_KINDS.map((k) => (
            <label key={k} className="kind">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              <span>
                <strong>{labelOf(k)}</strong> <span className="muted">{KIND_HINT[k]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {templates.length > 0 && (
          <div className="field">
            <label htmlFor="new-template">Template</label>
            <select id="new-template" name="template" defaultValue="">
              <option value="">Hindsight’s {labelOf(kind)} template</option>
              {templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="new-title">Title</label>
          <input
            id="new-title"
            name="title"
            maxLength={2000}
            placeholder={newReport(kind).title}
            aria-describedby="new-title-hint"
          />
          <small id="new-title-hint">Name what was affected and when; you can change it later.</small>
        </div>
        <button type="submit" className="primary" disabled={busy}>
          Create the draft
        </button>
      </form>
      <form onSubmit={onSubmitAsync(importFile)} className="stack card">
        <h2>Or import a Markdown file</h2>
        <p className="muted">
          A Postmortem Markdown file comes in whole. A free-form write-up is mapped onto the sections; text
          that fits nowhere is kept as notes.
        </p>
        <div className="field">
          <label htmlFor="new-file">Markdown file</label>
          <input id="new-file" name="file" type="file" accept=".md,.markdown,.txt,text/markdown,text/plain" />
        </div>
        <button type="submit" disabled={busy}>
          Import
        </button>
      </form>
    </div>
  );
}

// III. Impact: money, figures and the other kinds of harm, with their totals.
import { useContext, useMemo } from 'react';
import { labelOf } from '../../../../src/domain/labels.js';
import { impactTotals } from '../../../../src/domain/metrics.js';
import { BASES, FINANCIAL_KINDS, IMPACT_CATEGORIES } from '../../../../src/domain/report.schema.js';
import { EnumSelect } from '../../ui.js';
import {
  Block,
  fieldId,
  InternalToggle,
  RemoveButton,
  SetContext,
  TextField,
  useRemoveRow,
} from '../fields.js';
import type { Path } from '../model.js';
import { useGuide, type SectionProps } from './shared.js';

export function ImpactSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  const removeRow = useRemoveRow();
  const guide = useGuide(report, settings);
  const { financial, figures } = report.impact;
  const totals = useMemo(() => {
    const usable = {
      ...report,
      impact: {
        ...report.impact,
        financial: financial.filter((f) => Number.isFinite(f.amount) && /^[A-Z]{3}$/.test(f.currency)),
        figures: figures.filter((f) => Number.isFinite(f.value) && f.measure?.trim()),
      },
    };
    return impactTotals(usable);
  }, [report, financial, figures]);
  const num = (v: string) => (v === '' ? Number.NaN : Number(v));
  return (
    <div>
      <Block title="Money" guide={guide('impact.financial')} path={['impact', 'financial']}>
        {financial.map((f, i) => {
          const p: Path = ['impact', 'financial', i];
          const n = i + 1;
          return (
            <fieldset key={i} className="row line">
              <legend className="sr-only">Money line {n}</legend>
              <EnumSelect
                label={`Line ${n} kind`}
                value={f.kind}
                options={FINANCIAL_KINDS}
                onChange={(v) => set([...p, 'kind'], v)}
              />
              <TextField path={[...p, 'description']} label={`Line ${n} description`} value={f.description} />
              <div className="field">
                <label htmlFor={fieldId([...p, 'amount'])}>{`Line ${n} amount`}</label>
                <input
                  id={fieldId([...p, 'amount'])}
                  type="number"
                  min={0}
                  step="any"
                  value={Number.isFinite(f.amount) ? f.amount : ''}
                  onChange={(e) => set([...p, 'amount'], num(e.target.value))}
                />
              </div>
              <div className="field narrow-field">
                <label htmlFor={fieldId([...p, 'currency'])}>{`Line ${n} currency`}</label>
                <input
                  id={fieldId([...p, 'currency'])}
                  value={f.currency}
                  maxLength={3}
                  pattern="[A-Z]{3}"
                  onChange={(e) => set([...p, 'currency'], e.target.value.toUpperCase())}
                />
              </div>
              <EnumSelect
                label={`Line ${n} basis`}
                value={f.basis}
                options={BASES}
                onChange={(v) => set([...p, 'basis'], v)}
              />
              <InternalToggle mark={`impact.financial.${i}`} label={`money line ${n}`} />
              <RemoveButton
                label={`Remove money line ${n}`}
                onClick={() => removeRow(['impact', 'financial'], financial, i)}
              />
            </fieldset>
          );
        })}
        <button
          type="button"
          onClick={() =>
            set(['impact', 'financial', financial.length], {
              kind: 'lost_revenue',
              amount: Number.NaN,
              currency: financial.at(-1)?.currency ?? 'USD',
              basis: 'estimate',
            })
          }
        >
          Add money line
        </button>
      </Block>
      <Block title="Figures" guide={guide('impact.figures')} path={['impact', 'figures']}>
        {figures.map((f, i) => {
          const p: Path = ['impact', 'figures', i];
          const n = i + 1;
          return (
            <fieldset key={i} className="row line">
              <legend className="sr-only">Figure {n}</legend>
              <EnumSelect
                label={`Figure ${n} category`}
                value={f.category}
                options={IMPACT_CATEGORIES}
                onChange={(v) => set([...p, 'category'], v)}
              />
              <TextField
                path={[...p, 'measure']}
                label={`Figure ${n} measure`}
                value={f.measure}
                placeholder="users affected"
              />
              <div className="field">
                <label htmlFor={fieldId([...p, 'value'])}>{`Figure ${n} value`}</label>
                <input
                  id={fieldId([...p, 'value'])}
                  type="number"
                  step="any"
                  value={Number.isFinite(f.value) ? f.value : ''}
                  onChange={(e) => set([...p, 'value'], num(e.target.value))}
                />
              </div>
              <TextField
                path={[...p, 'unit']}
                label={`Figure ${n} unit`}
                value={f.unit}
                placeholder="minutes"
              />
              <EnumSelect
                label={`Figure ${n} basis`}
                value={f.basis}
                options={BASES}
                onChange={(v) => set([...p, 'basis'], v)}
              />
              <InternalToggle mark={`impact.figures.${i}`} label={`figure ${n}`} />
              <RemoveButton
                label={`Remove figure ${n}`}
                onClick={() => removeRow(['impact', 'figures'], figures, i)}
              />
            </fieldset>
          );
        })}
        <button
          type="button"
          onClick={() =>
            set(['impact', 'figures', figures.length], {
              category: 'customer',
              measure: '',
              value: Number.NaN,
              basis: 'estimate',
            })
          }
        >
          Add figure
        </button>
      </Block>
      <section className="totals" aria-label="Impact totals">
        <h3>Totals</h3>
        {totals.byCurrency.length === 0 && totals.figures.length === 0 ? (
          <p className="muted">Add money lines or figures to see totals.</p>
        ) : (
          <ul className="plain">
            {totals.byCurrency.map((t) => (
              <li key={t.currency}>
                <strong>
                  {t.total.toLocaleString()} {t.currency}
                </strong>{' '}
                in {t.lines} line{t.lines === 1 ? '' : 's'}
                {t.estimated ? ' (includes estimates)' : ''}
              </li>
            ))}
            {totals.figures.map((t) => (
              <li key={`${t.category}/${t.measure}/${t.unit ?? ''}`}>
                <strong>
                  {t.total.toLocaleString()} {t.unit ?? ''}
                </strong>{' '}
                {t.measure} ({labelOf(t.category)}){t.estimated ? ', estimated' : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      {(['operational', 'customer', 'reputational', 'team'] as const).map((k) => (
        <TextField
          key={k}
          path={['impact', k]}
          label={`${labelOf(k)[0]!.toUpperCase()}${labelOf(k).slice(1)} impact`}
          value={report.impact[k]}
          guide={guide(`impact.${k}`)}
          multiline
        />
      ))}
    </div>
  );
}

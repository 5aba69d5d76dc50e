// VII. Supporting materials: links, uploaded files and appendices.
import { useContext, useState } from 'react';
import { MATERIAL_KINDS } from '../../../../src/domain/report.schema.js';
import { api, errorText } from '../../api.js';
import { EnumSelect, Status } from '../../ui.js';
import { Block, InternalToggle, RemoveButton, SetContext, TextField, useRemoveRow } from '../fields.js';
import { nextId, type Path } from '../model.js';
import { useGuide, type SectionProps } from './shared.js';

export function MaterialsSection({ report, settings, reportId }: SectionProps) {
  const set = useContext(SetContext);
  const removeRow = useRemoveRow();
  const guide = useGuide(report, settings);
  const items = report.materials.items;
  const [status, setStatus] = useState('');
  const upload = async (file: File) => {
    setStatus(`Uploading ${file.name}…`);
    try {
      const form = new FormData();
      form.append('file', file);
      const info = await api<{ id: string; filename: string }>(
        `/api/postmortems/${encodeURIComponent(reportId)}/attachments`,
        {
          raw: { type: '', data: form },
        },
      );
      const kind = file.type.startsWith('image/')
        ? 'screenshot'
        : /log|text/.test(file.type)
          ? 'log'
          : 'document';
      set(['materials', 'items', items.length], {
        id: nextId(
          'M',
          items.map((m) => m.id),
        ),
        kind,
        title: info.filename,
        link: `attachment:${info.id}`,
      });
      setStatus(`${file.name} is attached.`);
    } catch (e) {
      setStatus(`${file.name}: ${errorText(e)}`);
    }
  };
  return (
    <Block title="Supporting materials" guide={guide('materials.items')} path={['materials', 'items']}>
      {items.map((m, i) => {
        const p: Path = ['materials', 'items', i];
        return (
          <fieldset key={i} className="row line">
            <legend className="sr-only">Material {m.id}</legend>
            <EnumSelect
              label={`${m.id} kind`}
              value={m.kind}
              options={MATERIAL_KINDS}
              onChange={(v) => set([...p, 'kind'], v)}
            />
            <TextField path={[...p, 'title']} label={`${m.id} title`} value={m.title} />
            <TextField path={[...p, 'link']} label={`${m.id} link`} value={m.link} />
            <TextField path={[...p, 'description']} label={`${m.id} description`} value={m.description} />
            <InternalToggle mark={m.id} label={`material ${m.id}`} />
            <RemoveButton
              label={`Remove material ${m.id}`}
              onClick={() => removeRow(['materials', 'items'], items, i)}
            />
          </fieldset>
        );
      })}
      <div className="buttons">
        <button
          type="button"
          onClick={() =>
            set(['materials', 'items', items.length], {
              id: nextId(
                'M',
                items.map((m) => m.id),
              ),
              kind: 'document',
              title: '',
            })
          }
        >
          Add a link
        </button>
        <label className="button">
          Upload a file
          <input
            type="file"
            className="sr-only"
            onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])}
          />
        </label>
      </div>
      <Status>{status}</Status>
    </Block>
  );
}

import { useId, useRef, useState } from 'react';
import type { FishboneCause } from '../../../src/domain/report.schema.js';
import { downloadText } from '../ui.js';
import { describeFishbone, layoutFishbone, type TextLine } from '../../../src/domain/fishbone-layout.js';

// Colours and sizes are attributes, not CSS classes, so the exported SVG and PNG look the same as the page.
const INK = '#1b1f24';
const MUTED = '#4f5863';
const ACCENT = '#0b5cad';
const BONE = '#7b8794';

function Line({ t }: { t: TextLine }) {
  return (
    <text
      x={t.x}
      y={t.y}
      fontSize={t.size}
      fontWeight={t.bold ? 700 : 400}
      textAnchor={t.anchor ?? 'start'}
      fill={t.text.startsWith('+') ? MUTED : INK}
    >
      {t.full && <title>{t.full}</title>}
      {t.text}
    </text>
  );
}

/** The fishbone (Ishikawa) diagram of the causes and their details, drawn from the data as they are typed. */
export function FishboneDiagram({
  problem,
  causes,
  name = 'fishbone',
}: {
  problem: string;
  causes: FishboneCause[];
  /** The file name the downloads get, without extension. */
  name?: string;
}) {
  const id = useId();
  const svg = useRef<SVGSVGElement>(null);
  const [error, setError] = useState('');
  const layout = layoutFishbone(problem, causes);
  const description = describeFishbone(problem, causes);
  const source = () => {
    const node = svg.current;
    if (!node) return '';
    const copy = node.cloneNode(true) as SVGSVGElement;
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    copy.setAttribute('width', String(layout.width));
    copy.setAttribute('height', String(layout.height));
    return new XMLSerializer().serializeToString(copy);
  };
  const png = () => {
    setError('');
    const url = URL.createObjectURL(new Blob([source()], { type: 'image/svg+xml' }));
    const img = new Image();
    img.onload = () => {
      // Twice the size, so the picture stays sharp in slides and documents.
      const canvas = document.createElement('canvas');
      canvas.width = layout.width * 2;
      canvas.height = layout.height * 2;
      const ctx = canvas.getContext('2d');
      if (!ctx) return setError('This browser cannot draw the picture.');
      ctx.scale(2, 2);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, layout.width, layout.height);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => {
        if (!blob) return setError('This browser cannot make a PNG of the diagram.');
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = `${name}.png`;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      }, 'image/png');
    };
    img.onerror = () => setError('The diagram could not be turned into a picture.');
    img.src = url;
  };
  return (
    <figure className="fishbone">
      <div className="fishbone-scroll">
        <svg
          ref={svg}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="img"
          aria-labelledby={`${id}-t ${id}-d`}
          width="100%"
          fontFamily="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
        >
          <title id={`${id}-t`}>Fishbone diagram</title>
          <desc id={`${id}-d`}>{description}</desc>
          <rect x={0} y={0} width={layout.width} height={layout.height} fill="#fbfcfd" />
          <line
            x1={layout.spine.x1}
            y1={layout.spine.y}
            x2={layout.spine.x2}
            y2={layout.spine.y}
            stroke={INK}
            strokeWidth={3}
          />
          {layout.bones.map((b) => (
            <line
              key={b.category}
              data-category={b.category}
              x1={b.x1}
              y1={b.y1}
              x2={b.x2}
              y2={b.y2}
              stroke={b.used ? ACCENT : BONE}
              strokeWidth={2}
            />
          ))}
          {layout.ribs.map((r, i) => (
            <line key={i} x1={r.x1} y1={r.y} x2={r.x2} y2={r.y} stroke={BONE} strokeWidth={r.sub ? 1 : 1.2} />
          ))}
          <rect
            x={layout.head.x}
            y={layout.head.y}
            width={layout.head.w}
            height={layout.head.h}
            rx={6}
            fill="#e3ecf7"
            stroke={ACCENT}
          />
          {layout.head.lines.map((t, i) => (
            <Line key={`h${i}`} t={t} />
          ))}
          {layout.texts.map((t, i) => (
            <Line key={i} t={t} />
          ))}
        </svg>
      </div>
      <figcaption className="buttons no-print">
        <button type="button" onClick={() => downloadText(`${name}.svg`, source(), 'image/svg+xml')}>
          Download SVG
        </button>
        <button type="button" onClick={png}>
          Download PNG
        </button>
        {error && (
          <span role="alert" className="status status-error">
            {error}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

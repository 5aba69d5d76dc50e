import { labelOf } from '../../../src/domain/labels.js';
import { FISHBONE_CATEGORIES, type FishboneCause } from '../../../src/domain/report.schema.js';

const W = 900;
const H = 380;
const SPINE_Y = H / 2;
const HEAD_X = W - 150;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The fishbone (Ishikawa) diagram of the causes, drawn from the data as they are typed. */
export function FishboneDiagram({ problem, causes }: { problem: string; causes: FishboneCause[] }) {
  const named = causes.filter((c) => c.cause.trim());
  return (
    <figure className="fishbone">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="fishbone-title fishbone-desc" width="100%">
        <title id="fishbone-title">Fishbone diagram</title>
        <desc id="fishbone-desc">
          {named.length === 0
            ? 'No causes yet.'
            : `${named.length} cause${named.length === 1 ? '' : 's'}: ${named.map((c) => `${c.cause} (${labelOf(c.category)})`).join('; ')}.`}
        </desc>
        <line x1={20} y1={SPINE_Y} x2={HEAD_X} y2={SPINE_Y} className="spine" />
        <rect x={HEAD_X} y={SPINE_Y - 34} width={140} height={68} rx={6} className="head" />
        <foreignObject x={HEAD_X + 6} y={SPINE_Y - 30} width={128} height={60}>
          <div className="fishbone-head">{clip(problem || 'The problem', 70)}</div>
        </foreignObject>
        {FISHBONE_CATEGORIES.map((cat, i) => {
          const top = i % 2 === 0;
          const slot = Math.floor(i / 2);
          const x = 200 + slot * 180;
          const endY = top ? 30 : H - 30;
          const startX = x - 70;
          const list = named.filter((c) => c.category === cat);
          return (
            <g key={cat} data-category={cat}>
              <line
                x1={startX}
                y1={endY}
                x2={x + 40}
                y2={SPINE_Y}
                className={`bone ${list.length ? 'has' : ''}`}
              />
              <text x={startX - 4} y={top ? endY - 10 : endY + 20} className="cat">
                {labelOf(cat)}
              </text>
              {list.slice(0, 6).map((c, j) => {
                const t = (j + 1) / 7;
                const bx = startX + (x + 40 - startX) * t;
                const by = endY + (SPINE_Y - endY) * t;
                return (
                  <g key={j}>
                    <line x1={bx - 160} y1={by} x2={bx} y2={by} className="rib" />
                    <text x={bx - 158} y={by - 4} className="cause">
                      <title>{c.cause}</title>
                      {clip(c.cause, 25)}
                    </text>
                  </g>
                );
              })}
              {list.length > 6 && (
                <text x={x} y={top ? endY + 14 : endY - 6} className="more">
                  +{list.length - 6} more
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">Causes by category, drawn from the list beside it.</figcaption>
    </figure>
  );
}

import { useId } from 'react';

export interface BarDatum {
  label: string;
  value: number;
  /** A second number for the table (e.g. the day's own count beside a running total). */
  detail?: number;
}

/**
 * A small bar chart as inline SVG. The SVG has a <title> and <desc>; the numbers themselves are in a
 * visually hidden table, which is what screen readers read (the SVG is presentational beyond its title).
 */
export function BarChart({
  title,
  data,
  valueLabel,
  detailLabel,
  height = 160,
}: {
  title: string;
  data: BarDatum[];
  valueLabel: string;
  detailLabel?: string;
  height?: number;
}) {
  const id = useId();
  const width = 640;
  const pad = { top: 12, right: 8, bottom: 22, left: 36 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...data.map((d) => d.value));
  const step = data.length ? innerW / data.length : innerW;
  const barW = Math.max(1, step * 0.7);
  const first = data[0]?.label;
  const last = data[data.length - 1]?.label;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>
          {data.length
            ? `${valueLabel} from ${first} (${data[0]?.value}) to ${last} (${data[data.length - 1]?.value}).`
            : 'No data.'}
        </desc>
        <line
          x1={pad.left}
          x2={width - pad.right}
          y1={pad.top + innerH}
          y2={pad.top + innerH}
          className="chart-axis"
        />
        <line x1={pad.left} x2={width - pad.right} y1={pad.top} y2={pad.top} className="chart-grid" />
        <text x={pad.left - 6} y={pad.top + 4} textAnchor="end" className="chart-text">
          {max}
        </text>
        <text x={pad.left - 6} y={pad.top + innerH} textAnchor="end" className="chart-text">
          0
        </text>
        {data.map((d, i) => {
          const h = (d.value / max) * innerH;
          return (
            <rect
              key={d.label}
              x={pad.left + i * step + (step - barW) / 2}
              y={pad.top + innerH - h}
              width={barW}
              height={h}
              className="chart-bar"
            >
              <title>{`${d.label}: ${d.value}`}</title>
            </rect>
          );
        })}
        {first && (
          <text x={pad.left} y={height - 6} className="chart-text">
            {first}
          </text>
        )}
        {last && last !== first && (
          <text x={width - pad.right} y={height - 6} textAnchor="end" className="chart-text">
            {last}
          </text>
        )}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {detailLabel && <th scope="col">{detailLabel}</th>}
            <th scope="col">{valueLabel}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <td>{d.label}</td>
              {detailLabel && <td>{d.detail ?? 0}</td>}
              <td>{d.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

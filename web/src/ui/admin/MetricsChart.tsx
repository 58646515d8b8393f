/** A labelled, accessible line chart of several series over time (SVG), with a legend. */
import { linePath, niceCeiling, summary, tickText, ticks, type Box } from "../../state/chart";
import { useStrings } from "../hooks";

export interface Series {
  label: string;
  values: (number | null)[];
}

const W = 420;
const H = 210;
const BOX: Box = { left: 36, top: 10, width: W - 50, height: H - 40 };
/** Line styles told apart by colour and by dash, for those who cannot see the colours. */
const DASHES = ["", "6 3", "2 3", "10 3 2 3"];

export function timeText(ms: number, spanMs: number): string {
  const d = new Date(ms);
  return spanMs > 86_400_000
    ? d.toLocaleDateString(undefined, { month: "short", day: "numeric" }) + " " + d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function MetricsChart({
  id,
  title,
  times,
  series,
  fixedMax,
  t0,
  t1,
}: {
  id: string;
  title: string;
  times: number[];
  series: Series[];
  /** The top of the scale when it is fixed (percentages); else from the data. */
  fixedMax?: number;
  t0: number;
  t1: number;
}) {
  const t = useStrings();
  const stats = series.map((s) => summary(s.values));
  const top = fixedMax ?? niceCeiling(Math.max(0, ...stats.map((s) => s?.max ?? 0)));
  const described = series
    .map((s, i) => {
      const st = stats[i];
      return st === null ? `${s.label}: —` : `${s.label}: ${t.latest} ${tickText(st.last)}, ${t.lowest} ${tickText(st.min)}, ${t.highest} ${tickText(st.max)}`;
    })
    .join("; ");
  const xs = [t0, (t0 + t1) / 2, t1];
  return (
    <figure class="chart" data-testid={`chart-${id}`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <desc id={`${id}-desc`}>{described}</desc>
        {ticks(top).map((v) => {
          const y = BOX.top + BOX.height - (v / top) * BOX.height;
          return (
            <g key={v} class="grid">
              <line x1={BOX.left} x2={BOX.left + BOX.width} y1={y} y2={y} />
              <text x={BOX.left - 6} y={y + 4} text-anchor="end">
                {tickText(v)}
              </text>
            </g>
          );
        })}
        {xs.map((x, i) => (
          <text
            key={i}
            class="axis"
            x={BOX.left + ((x - t0) / Math.max(1, t1 - t0)) * BOX.width}
            y={H - 8}
            text-anchor={i === 0 ? "start" : i === 2 ? "end" : "middle"}
          >
            {timeText(x, t1 - t0)}
          </text>
        ))}
        {series.map((s, i) => (
          <path
            key={s.label}
            class={`line series-${i}`}
            data-series={s.label}
            d={linePath(times, s.values, BOX, t0, t1, top)}
            fill="none"
            stroke-width="2"
            stroke-dasharray={DASHES[i % DASHES.length] || undefined}
          />
        ))}
      </svg>
      <ul class="legend">
        {series.map((s, i) => (
          <li key={s.label}>
            <svg class="swatch" viewBox="0 0 24 8" aria-hidden="true">
              <line class={`line series-${i}`} x1="0" x2="24" y1="4" y2="4" stroke-width="2" stroke-dasharray={DASHES[i % DASHES.length] || undefined} />
            </svg>
            {s.label}
            <strong>{stats[i] === null ? "—" : tickText(stats[i]!.last)}</strong>
          </li>
        ))}
      </ul>
    </figure>
  );
}

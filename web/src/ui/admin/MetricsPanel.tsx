/** Live server figures and charts of the stored snapshots (GetHistoricalMetrics) over a chosen range. */
import { useEffect, useState } from "preact/hooks";
import { micros, timestamp } from "../../api/events";
import type { MetricDataPoint, MonitoringMetrics } from "../../api/gen/service/server_manage/monitoring/v1/monitoring_pb";
import { tickText } from "../../state/chart";
import type { Strings } from "../../i18n/strings";
import { api } from "../api";
import { useStrings } from "../hooks";
import { Feedback, useAction } from "../useAction";
import { MetricsChart, timeText, type Series } from "./MetricsChart";

/** Ranges offered, with the averaging interval asked of the server (0: every snapshot). */
const RANGES: { hours: number; intervalSeconds: bigint }[] = [
  { hours: 1, intervalSeconds: 0n },
  { hours: 6, intervalSeconds: 300n },
  { hours: 24, intervalSeconds: 900n },
  { hours: 24 * 7, intervalSeconds: 3600n },
];
const REFRESH_MS = 5000;

type Pick = (m: MonitoringMetrics) => number | null;

/** The charts: series that share a unit share a chart. */
function chartsOf(t: Strings): { id: string; title: string; fixedMax?: number; series: [string, Pick][] }[] {
  return [
    {
      id: "activity",
      title: t.chartActivity,
      series: [
        [t.connections, (m) => m.activeConnections],
        [t.activeSessions, (m) => m.activeSessions],
        [t.databaseConnections, (m) => m.databaseConnections],
        [t.busConnections, (m) => m.rabbitmqConnections],
      ],
    },
    {
      id: "totals",
      title: t.chartTotals,
      series: [
        [t.users, (m) => m.totalUsers],
        [t.adminSessions, (m) => m.totalSessions],
      ],
    },
    { id: "messages", title: t.messagesPerSecond, series: [[t.messagesPerSecond, (m) => m.messagesPerSecond]] },
    {
      id: "system",
      title: t.chartSystem,
      fixedMax: 100,
      series: [
        [t.cpu, (m) => m.cpuUsagePercent ?? null],
        [t.memory, (m) => m.memoryUsagePercent ?? null],
        [t.disk, (m) => m.diskUsagePercent ?? null],
      ],
    },
  ];
}

export function MetricsPanel() {
  const t = useStrings();
  const [now, setNow] = useState<MonitoringMetrics | null>(null);
  const [history, setHistory] = useState<MetricDataPoint[]>([]);
  const [range, setRange] = useState(0);
  const [span, setSpan] = useState<[number, number]>([0, 0]);
  const act = useAction();
  useEffect(() => {
    const { hours, intervalSeconds } = RANGES[range];
    const load = () =>
      act.run(async () => {
        setNow((await api.admin.getMonitoringMetrics({ includeSystemMetrics: true })).metrics ?? null);
        const end = BigInt(Date.now()) * 1000n;
        const start = end - BigInt(hours) * 3_600_000_000n;
        const r = await api.admin.getHistoricalMetrics({
          startTime: timestamp(start),
          endTime: timestamp(end),
          interval: intervalSeconds === 0n ? undefined : { seconds: intervalSeconds, nanos: 0 },
        });
        setHistory(r.dataPoints);
        setSpan([Number(start / 1000n), Number(end / 1000n)]);
      });
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [range]);
  const points = history.filter((p) => p.metrics !== undefined);
  const times = points.map((p) => Number(micros(p.timestamp) / 1000n));
  const charts = chartsOf(t).map((c) => ({
    ...c,
    series: c.series.map(([label, pick]): Series => ({ label, values: points.map((p) => pick(p.metrics!)) })),
  }));
  return (
    <section class="panel">
      <h2>{t.metrics}</h2>
      {now !== null && (
        <dl class="figures" data-testid="live-figures">
          <dt>{t.users}</dt>
          <dd>{now.totalUsers}</dd>
          <dt>{t.adminSessions}</dt>
          <dd>{now.totalSessions}</dd>
          <dt>{t.connections}</dt>
          <dd>{now.activeConnections}</dd>
          <dt>{t.messagesPerSecond}</dt>
          <dd>{now.messagesPerSecond.toFixed(2)}</dd>
          <dt>{t.cpu}</dt>
          <dd>{now.cpuUsagePercent?.toFixed(1) ?? "—"} %</dd>
        </dl>
      )}
      <label class="inline-label">
        {t.period}
        <select value={range} onChange={(e) => setRange(Number(e.currentTarget.value))}>
          {RANGES.map((_, i) => (
            <option key={i} value={i}>
              {t.periods[i]}
            </option>
          ))}
        </select>
      </label>
      {points.length === 0 ? (
        <p class="muted">{t.noSnapshots}</p>
      ) : (
        <>
          <div class="charts">
            {charts.map((c) => (
              <MetricsChart key={c.id} id={c.id} title={c.title} fixedMax={c.fixedMax} times={times} series={c.series} t0={span[0]} t1={span[1]} />
            ))}
          </div>
          <details class="chart-data">
            <summary>{t.dataTable}</summary>
            <table data-testid="metrics-table">
              <thead>
                <tr>
                  <th>{t.time}</th>
                  {charts.flatMap((c) => c.series.map((s) => <th key={`${c.id}-${s.label}`}>{s.label}</th>))}
                </tr>
              </thead>
              <tbody>
                {times.map((ms, row) => (
                  <tr key={ms}>
                    <td>{timeText(ms, span[1] - span[0])}</td>
                    {charts.flatMap((c) =>
                      c.series.map((s) => {
                        const v = s.values[row];
                        return <td key={`${c.id}-${s.label}`}>{v === null ? "—" : tickText(v)}</td>;
                      }),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
      <Feedback error={act.error} note={null} />
    </section>
  );
}

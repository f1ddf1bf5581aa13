// The Attribution view's charts: the SLI with its target, onset band and
// change markers over the burn stacked by cause, and the leading indicators
// as small multiples, all on one time axis with one crosshair.
import { useMemo } from "preact/hooks";

import { EChart, markerColor, type Palette, usePalette } from "../../components/EChart";
import { moment } from "../../format";
import type { Indicator, IndicatorSeries, ReportChart } from "../../ipc";
import {
  ATTRIBUTION_CHART_GROUP,
  burnOption,
  indicatorOption,
  layerColor,
  leadText,
  sliOption,
} from "./charts";

/** The SLI and burn charts, with what their colours mean. */
export function ReportCharts({ chart, slo }: { chart: ReportChart; slo: string }) {
  const palette = usePalette();
  const sli = useMemo(() => sliOption(chart, palette), [chart, palette]);
  const burn = useMemo(() => burnOption(chart, palette), [chart, palette]);
  return (
    <section class="report-charts" aria-labelledby="report-charts-title">
      <h3 id="report-charts-title">The burn</h3>
      <figure data-testid="sli-chart" data-points={chart.sli.length}>
        <figcaption>Good runs per {chart.per}, against the target; the onset shaded</figcaption>
        <EChart option={sli} height={190} group={ATTRIBUTION_CHART_GROUP} label={`Good ratio of ${slo} per ${chart.per}`} />
      </figure>
      <figure data-testid="burn-chart" data-layers={chart.burn.length}>
        <figcaption>Bad runs per {chart.per}, by cause</figcaption>
        <EChart
          option={burn}
          height={170}
          group={ATTRIBUTION_CHART_GROUP}
          label={`Bad runs of ${slo} per ${chart.per}, stacked by cause`}
        />
      </figure>
      <ChartKey chart={chart} palette={palette} />
    </section>
  );
}

/** The layers and markers in words, for reading without hovering. */
function ChartKey({ chart, palette }: { chart: ReportChart; palette: Palette }) {
  return (
    <div class="chart-key small">
      <ul class="burn-layers" data-testid="burn-layers">
        {chart.burn.map((l, i) => (
          <li key={l.name} data-other={l.other ? "true" : "false"}>
            <span class="swatch" style={{ background: layerColor(palette, i, l.other) }} aria-hidden="true" />
            {l.name}: {l.counts.reduce((a, b) => a + b, 0)} bad runs
          </li>
        ))}
      </ul>
      {chart.markers.length > 0 && (
        <ul class="chart-markers" data-testid="chart-markers">
          {chart.markers.map((m) => (
            <li key={`${m.at_ms}-${m.kind}-${m.label}`} data-kind={m.kind}>
              <span class="swatch" style={{ background: markerColor(m.kind, palette) }} aria-hidden="true" />
              {moment(m.at_ms)} · {m.kind} · {m.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One small chart per leading indicator, on the SLI chart's axis. */
export function Indicators({
  series,
  indicators,
  chart,
}: {
  series: readonly IndicatorSeries[];
  indicators: readonly Indicator[];
  chart: ReportChart | null;
}) {
  if (indicators.length === 0) {
    return <p class="muted">No signal moved before the SLI.</p>;
  }
  const charted = chart ? series.filter((s) => indicators[s.index]) : [];
  return (
    <>
      {chart && charted.length > 0 && (
        <div class="indicator-grid" data-testid="indicators">
          {charted.map((s) => (
            <IndicatorChart key={s.index} s={s} indicator={indicators[s.index] as Indicator} chart={chart} />
          ))}
        </div>
      )}
      {charted.length < indicators.length && (
        <ul class="indicator-list">
          {indicators
            .filter((_, i) => !charted.some((s) => s.index === i))
            .map((ind) => (
              <li key={ind.series}>
                <code>{ind.series}</code> · {leadText(ind.lead_s)} · {ind.summary}
              </li>
            ))}
        </ul>
      )}
    </>
  );
}

function IndicatorChart({ s, indicator, chart }: { s: IndicatorSeries; indicator: Indicator; chart: ReportChart }) {
  const palette = usePalette();
  const option = useMemo(
    () => indicatorOption(s.points, indicator, chart, palette),
    [s.points, indicator, chart, palette],
  );
  return (
    <figure class="indicator" data-testid="indicator" data-series={indicator.series}>
      <figcaption>
        <code class="indicator-series">{indicator.series}</code>
        <span class={indicator.lead_s > 0 ? "indicator-lead" : "muted"}> {leadText(indicator.lead_s)}</span>
        <span class="indicator-summary">{indicator.summary}</span>
      </figcaption>
      <EChart
        option={option}
        height={90}
        group={ATTRIBUTION_CHART_GROUP}
        label={`${indicator.series}: ${indicator.summary}`}
      />
    </figure>
  );
}

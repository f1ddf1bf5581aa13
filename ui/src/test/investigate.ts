// Engine answers for the Attribution and Incidents views' tests: a payment
// latency incident in us-east-1 after release r42, typed by the generated
// bindings so a change to the Rust types breaks them at type-check time.
import type {
  AttributionView,
  IncidentDetail,
  IncidentList,
  IncidentSummary,
  Report,
  SpanRow,
} from "../ipc";
import { AT } from "./fixtures";

const MIN = 60_000;
export const BAD_RUN = "0192f0c1-bad0-7bbb-8ccc-123456789abc";
export const GOOD_RUN = "0192f0c1-600d-7bbb-8ccc-123456789abc";
export const BAD_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
export const GOOD_TRACE = "00f067aa0ba902b700f067aa0ba902b7";

function span(over: Partial<SpanRow>): SpanRow {
  return {
    span_id: "root",
    parent_span_id: null,
    service: "frontend",
    name: "POST /checkout",
    offset_ms: 100,
    duration_ms: 1_200,
    error: false,
    status_message: null,
    http_status_code: 200,
    service_version: "1.8.0",
    depth: 0,
    ...over,
  };
}

export function report(overrides: Partial<Report> = {}): Report {
  return {
    version: 1,
    subject: { mode: "slo", slo: "checkout-latency", target: 0.99 },
    at_ms: AT,
    window: { from_ms: AT - 60 * MIN, to_ms: AT },
    baseline: { from_ms: AT - 7 * 60 * MIN, to_ms: AT - 60 * MIN },
    bad_events: 212,
    total_events: 240,
    onset: { at_ms: AT - 30 * MIN, earliest_ms: AT - 32 * MIN, latest_ms: AT - 29 * MIN, method: "cusum" },
    sentence: "checkout-latency burns because payment POST /charge got slower in us-east-1 after r42.",
    causes: [
      {
        service: "payment",
        operation: "POST /charge",
        region: "us-east-1",
        kind: "latency",
        share: 0.83,
        slice: [{ dimension: "region", value: "us-east-1" }],
        onset: { at_ms: AT - 30 * MIN, earliest_ms: AT - 32 * MIN, latest_ms: AT - 29 * MIN, method: "cusum" },
        confidence: 0.87,
        change: {
          event_id: "17",
          kind: "deploy",
          release: "r42",
          service: "payment",
          version: "2.4.1",
          region: "us-east-1",
          at_ms: AT - 33 * MIN,
          minutes_before_onset: 3,
          score: 0.92,
          why: "deployed 3 min before the onset, in the same region, on the blamed service",
        },
        evidence: [
          { kind: "run", ids: [BAD_RUN], summary: "a slow run in us-east-1" },
          { kind: "span", ids: [`${BAD_TRACE}/pay1`], summary: "payment POST /charge took 980 ms" },
          { kind: "span", ids: ["ffff/zz"], summary: "a span of a trace not shown" },
          { kind: "event", ids: ["17"], summary: "deploy r42 of payment 2.4.1" },
          { kind: "metric", ids: ["db.pool.usage{service=payment}"], summary: "the pool filled up" },
        ],
      },
      {
        service: "inventory",
        operation: null,
        region: null,
        kind: "errors",
        share: 0.06,
        slice: [],
        onset: null,
        confidence: 0.31,
        change: null,
        evidence: [{ kind: "log", ids: ["l1"], summary: "inventory logged timeouts" }],
      },
    ],
    leading_indicators: [
      {
        source: "metric",
        series: "db.pool.usage{service=payment,region=us-east-1}",
        service: "payment",
        region: "us-east-1",
        moved_at_ms: AT - 34 * MIN,
        lead_s: 240,
        strength: 6.1,
        related: true,
        summary: "the payment pool's usage rose to 100%",
      },
      {
        source: "red",
        series: "duration{service=payment}",
        service: "payment",
        region: null,
        moved_at_ms: AT - 31 * MIN,
        lead_s: 60,
        strength: 4,
        related: true,
        summary: "payment got slower",
      },
    ],
    red_herrings: [
      {
        series: "process.cpu.utilization{service=search}",
        service: "search",
        region: "eu-west-1",
        why: "moved in a region whose runs stayed good",
      },
    ],
    method: "slice localisation v1",
    ...overrides,
  };
}

export function attributionView(overrides: Partial<AttributionView> = {}): AttributionView {
  const from = AT - 60 * MIN;
  return {
    slo: "checkout-latency",
    journey: "checkout",
    at_ms: Date.now() - 5_000,
    report: report(),
    source: "live",
    alert: {
      rule: 0,
      severity: "page",
      firing_at_ms: AT - 20 * MIN,
      resolved_at_ms: null,
      burn_rate: 14.4,
      regions: ["us-east-1"],
    },
    firing: true,
    incident: 7,
    chart: {
      from_ms: from,
      to_ms: AT,
      bucket_ms: MIN,
      per: "1 min",
      sli: [
        { t_ms: from, value: 1 },
        { t_ms: from + MIN, value: 0.98 },
        { t_ms: from + 3 * MIN, value: 0.5 },
      ],
      target: 0.99,
      burn: [
        { name: "payment latency in us-east-1", counts: Array.from({ length: 60 }, (_, i) => (i > 30 ? 3 : 0)), other: false },
        { name: "inventory errors", counts: Array.from({ length: 60 }, () => 0), other: false },
        { name: "other", counts: Array.from({ length: 60 }, (_, i) => i % 10 === 0 ? 1 : 0), other: true },
      ],
      onset: { from_ms: AT - 32 * MIN, to_ms: AT - 29 * MIN, label: "onset" },
      markers: [
        { at_ms: AT - 33 * MIN, kind: "deploy", label: "r42" },
        { at_ms: AT - 25 * MIN, kind: "kubernetes", label: "BackOff payment-7d9" },
        { at_ms: AT - 20 * MIN, kind: "alert", label: "page fired" },
      ],
    },
    blamed: {
      service: "payment",
      operation: "POST /charge",
      bad: {
        run_id: BAD_RUN,
        started_at_ms: AT - 10 * MIN,
        trace_id: BAD_TRACE,
        spans: [
          span({ duration_ms: 1_400 }),
          span({ span_id: "pay1", parent_span_id: "root", service: "payment", name: "POST /charge", offset_ms: 300, duration_ms: 1_000, depth: 1, service_version: "2.4.1" }),
          span({ span_id: "db1", parent_span_id: "pay1", service: "payment", name: "SELECT", offset_ms: 400, duration_ms: 20, depth: 2 }),
        ],
        span_id: "pay1",
        self_ms: 980,
      },
      baseline: {
        run_id: GOOD_RUN,
        started_at_ms: AT - 200 * MIN,
        trace_id: GOOD_TRACE,
        spans: [
          span({ span_id: "root2", duration_ms: 500 }),
          span({ span_id: "pay2", parent_span_id: "root2", service: "payment", name: "POST /charge", offset_ms: 200, duration_ms: 260, depth: 1, service_version: "2.4.0" }),
        ],
        span_id: "pay2",
        self_ms: 240,
      },
      self_delta_ms: 740,
    },
    indicators: [
      {
        index: 0,
        points: [
          { t_ms: from, value: 0.4 },
          { t_ms: from + 30 * MIN, value: 1 },
        ],
      },
      {
        index: 1,
        points: [
          { t_ms: from, value: 200 },
          { t_ms: from + 30 * MIN, value: 900 },
        ],
      },
    ],
    problems: [],
    ...overrides,
  };
}

export function incidentSummary(overrides: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: 7,
    slo: "checkout-latency",
    title: "checkout-latency burns: payment latency in us-east-1",
    service: "payment",
    region: "us-east-1",
    state: "open",
    opened_at_ms: AT - 20 * MIN,
    state_at_ms: AT - 20 * MIN,
    state_by: null,
    last_activity_ms: AT - 5 * MIN,
    ...overrides,
  };
}

export function incidentList(): IncidentList {
  return {
    incidents: [
      incidentSummary(),
      incidentSummary({
        id: 6,
        slo: "orders-availability",
        title: "orders-availability burns",
        service: null,
        region: null,
        state: "acknowledged",
        state_by: "ana",
        opened_at_ms: AT - 300 * MIN,
      }),
    ],
  };
}

export function incidentDetail(overrides: Partial<IncidentDetail> = {}): IncidentDetail {
  return {
    incident: incidentSummary(),
    journey: "checkout",
    // Out of order on purpose: the view sorts by time.
    timeline: [
      { at_ms: AT - 20 * MIN, kind: "alert_fired", link: "alert:checkout-latency/0", summary: "page alert fired", by: null },
      { at_ms: AT - 33 * MIN, kind: "deploy", link: "event:17", summary: "deploy r42 of payment 2.4.1", by: null },
      { at_ms: AT - 30 * MIN, kind: "first_failing_run", link: `run:${BAD_RUN}`, summary: "first slow run", by: null },
      { at_ms: AT - 5 * MIN, kind: "note", link: null, summary: "rolling back r42", by: "ana" },
    ],
    report: report(),
    started_ms: AT - 30 * MIN,
    ended_ms: AT,
    bad_runs: 212,
    runs: 240,
    regions: ["us-east-1"],
    ...overrides,
  };
}

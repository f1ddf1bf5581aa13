//! From the counted cells to each SLO's numbers, through the same budget,
//! burn-rate and forecast functions as the live engine.

use super::{BulkStatus, Plan, Resolved, RuleCheck, scan};
use crate::budget::{Budget, RegionBreakdown, SloStatus};
use crate::burn_rate::{BurnRate, FORECAST_BURN_WINDOW_MS, forecast, rate_of};
use crate::counts::Counts;
use crate::incremental::STANDARD_BURN_WINDOWS_MS;

/// Counts of one `(journey, region)` cell for the window starting at `start_ms`.
fn counts_in(plan: &Plan, cell: &[u64], pred: usize, start_ms: i64) -> Counts {
    let slots = plan.slots();
    let mut c = Counts::default();
    for class in plan.class_of(start_ms)..plan.bounds.len() {
        let at = class * slots;
        c.valid += cell[at];
        c.good += cell[at + 1 + pred];
    }
    c
}

pub(super) fn assemble(plan: &Plan, tally: &scan::Tally, r: &Resolved, at_ms: i64) -> BulkStatus {
    let d = &r.config.definition;
    let regions: Vec<usize> = (0..tally.regions.len())
        .filter(|&i| {
            r.tags_match
                && (d.filter.regions.is_empty() || d.filter.regions.contains(&tally.regions[i]))
        })
        .collect();
    let over = |start_ms: i64| {
        regions.iter().fold(Counts::default(), |mut acc, &i| {
            let c = counts_in(plan, tally.cell(r.journey, i), r.pred, start_ms);
            acc.valid += c.valid;
            acc.good += c.good;
            acc
        })
    };
    let end_ms = at_ms + 1;
    let bf = d.budget_fraction();
    let burn = |len: i64| {
        let counts = over(end_ms - len);
        BurnRate {
            window_ms: len,
            counts,
            rate: rate_of(counts, bf),
        }
    };
    let w = r.bounds;
    let counts = over(w.start_ms);
    let sli = counts.ratio();
    let budget = Budget::compute(counts, d.target);
    let mut burn_rates: Vec<_> = STANDARD_BURN_WINDOWS_MS.iter().map(|&l| burn(l)).collect();
    burn_rates.push(burn(w.period_ms));
    let by_region = regions
        .iter()
        .map(|&i| {
            let c = counts_in(plan, tally.cell(r.journey, i), r.pred, w.start_ms);
            RegionBreakdown {
                region: tally.regions[i].clone(),
                counts: c,
                sli: c.ratio(),
            }
        })
        .filter(|b| b.counts.valid > 0)
        .collect();
    let period = r.window.nominal_period_ms();
    let rules = r
        .config
        .policy
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let threshold = rule.burn_rate_threshold(period);
            let (long, short) = (burn(rule.long_window_ms), burn(rule.short_window_ms));
            let hot = |b: &BurnRate| b.rate.is_some_and(|x| x >= threshold);
            RuleCheck {
                rule: i,
                severity: rule.severity,
                threshold,
                holds: hot(&long) && hot(&short),
                long,
                short,
            }
        })
        .collect();
    BulkStatus {
        status: SloStatus {
            slo: d.name.clone(),
            at_ms,
            window: w,
            counts,
            sli,
            target: d.target,
            compliant: sli.map(|s| s >= d.target),
            budget,
            burn_rates,
            forecast: forecast(
                at_ms,
                budget.remaining_fraction,
                burn(FORECAST_BURN_WINDOW_MS),
                w.period_ms,
            ),
            by_region,
            by_step: Vec::new(),
            alerts: Vec::new(),
        },
        rules,
    }
}

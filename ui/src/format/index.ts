// Numbers formatted for people: 99.93%, 3.2 s, "budget exhausted in 2 d 4 h".
// Every view formats through here, so a figure reads the same everywhere
// (and the end-to-end test can check the text against the engine's value).

const DASH = "–";
const counts = new Intl.NumberFormat("en-US");

/**
 * A share as a percentage with two decimals: 0.99934 → "99.93%". A share
 * below 1 never shows as 100.00% (a nearly perfect SLI is still not perfect).
 */
export function percent(share: number | null | undefined, digits = 2): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return DASH;
  let text = (share * 100).toFixed(digits);
  if (share < 1 && Number(text) >= 100) text = (100 - 10 ** -digits).toFixed(digits);
  return `${text}%`;
}

/** A count with thousands separators: 12,345. */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? DASH : counts.format(n);
}

/** A burn rate: "14.4×", "0.23×" (two decimals below 10). */
export function burnRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  return `${rate.toFixed(rate >= 10 ? 1 : 2)}×`;
}

/**
 * A duration: "850 ms", "3.2 s", "4 min 12 s", "5 h 12 min", "2 d 4 h".
 * Two units at most, the smaller one dropped when it is zero.
 */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const neg = ms < 0 ? "-" : "";
  const a = Math.abs(ms);
  if (a < 1000) return `${neg}${Math.round(a)} ms`;
  if (a < 60_000) {
    const s = a / 1000;
    return `${neg}${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  }
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small > 0 ? `${neg}${big} ${bigUnit} ${small} ${smallUnit}` : `${neg}${big} ${bigUnit}`;
  const totalS = Math.round(a / 1000);
  if (totalS < 3600) return pair(Math.floor(totalS / 60), "min", totalS % 60, "s");
  const totalMin = Math.round(a / 60_000);
  if (totalMin < 24 * 60) return pair(Math.floor(totalMin / 60), "h", totalMin % 60, "min");
  const totalH = Math.round(a / 3_600_000);
  return pair(Math.floor(totalH / 24), "d", totalH % 24, "h");
}

/** When the budget runs out, in words, from the engine's forecast. */
export function exhaustion(
  exhaustionAtMs: number | null,
  atMs: number,
  remaining: number | null,
): string {
  if (remaining !== null && remaining <= 0) return "budget exhausted";
  if (exhaustionAtMs === null) return "not exhausted at this burn";
  if (exhaustionAtMs <= atMs) return "budget exhausted";
  return `budget exhausted in ${duration(exhaustionAtMs - atMs)}`;
}

/** A byte size: "512 B", "1.5 KiB", "3.2 MiB". */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return DASH;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const dayTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});
const clock = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** A time of day, local: "14:05:09". */
export function timeOfDay(ms: number): string {
  return clock.format(ms);
}

/** A moment, local: "3 Feb, 14:05". */
export function moment(ms: number): string {
  return dayTime.format(ms);
}

/** How long ago, in words: "12 s ago", "3 h 5 min ago". */
export function ago(ms: number, nowMs: number): string {
  const d = nowMs - ms;
  if (d < 1000) return "just now";
  return `${duration(d)} ago`;
}

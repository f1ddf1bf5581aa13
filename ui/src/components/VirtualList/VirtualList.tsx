import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

export interface VirtualListProps {
  /** Rows loaded so far. */
  rowCount: number;
  /** Whether more rows can be loaded after the last one. */
  hasMore: boolean;
  /** Every row's height in px (fixed, so positions are arithmetic). */
  rowHeight: number;
  /** The list's visible height in px. */
  height: number;
  /** Renders row `index`. */
  renderRow: (index: number, active: boolean) => ComponentChildren;
  /** Asks for the next page; called when the end comes within two screens. */
  onNeedMore: () => void;
  /** Opens row `index` (Enter, or a double-click left to the row itself). */
  onOpen: (index: number) => void;
  /** What the list holds, for screen readers. */
  label: string;
  /** A stable prefix for row ids. */
  idPrefix: string;
}

/** Rows drawn beyond the visible ones on each side, so fast scrolls stay filled. */
const OVERSCAN = 6;

/**
 * A list that stays fluid however many rows it holds: only the rows in view
 * (plus a few) are in the DOM, and the next page is asked for before the end
 * comes into view. Arrow keys, Page Up/Down, Home and End move the active
 * row; Enter opens it.
 */
export function VirtualList({
  rowCount,
  hasMore,
  rowHeight,
  height,
  renderRow,
  onNeedMore,
  onOpen,
  label,
  idPrefix,
}: VirtualListProps) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);

  const total = rowCount + (hasMore ? 1 : 0);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);

  useEffect(() => {
    if (hasMore && last >= rowCount - Math.ceil((2 * height) / rowHeight)) onNeedMore();
  }, [hasMore, last, rowCount, height, rowHeight]);

  const moveTo = (i: number) => {
    const next = Math.max(0, Math.min(rowCount - 1, i));
    setActive(next);
    const el = box.current;
    if (!el) return;
    const top = next * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + height) el.scrollTop = top + rowHeight - height;
    setScrollTop(el.scrollTop);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(active + 1),
      ArrowUp: () => moveTo(active - 1),
      PageDown: () => moveTo(active + page),
      PageUp: () => moveTo(active - page),
      Home: () => moveTo(0),
      End: () => moveTo(rowCount - 1),
      Enter: () => rowCount > 0 && onOpen(active),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  const rows = [];
  for (let i = first; i <= last; i++) {
    const top = i * rowHeight;
    rows.push(
      i < rowCount ? (
        <div
          key={i}
          id={`${idPrefix}-${i}`}
          role="option"
          aria-selected={i === active}
          class={`vrow${i === active ? " vrow-active" : ""}`}
          style={{ top: `${top}px`, height: `${rowHeight}px` }}
          onClick={() => setActive(i)}
        >
          {renderRow(i, i === active)}
        </div>
      ) : (
        <div
          key="more"
          class="vrow vrow-more muted"
          style={{ top: `${top}px`, height: `${rowHeight}px` }}
        >
          Loading more…
        </div>
      ),
    );
  }

  return (
    <div
      ref={box}
      class="vlist"
      role="listbox"
      aria-label={label}
      aria-activedescendant={rowCount > 0 ? `${idPrefix}-${active}` : undefined}
      tabIndex={0}
      style={{ height: `${height}px` }}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div class="vlist-spacer" style={{ height: `${total * rowHeight}px` }}>
        {rows}
      </div>
    </div>
  );
}

import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

import { VirtualList } from ".";

afterEach(cleanup);

function list(rowCount: number, hasMore: boolean, onNeedMore = vi.fn(), onOpen = vi.fn()) {
  return render(
    <VirtualList
      rowCount={rowCount}
      hasMore={hasMore}
      rowHeight={30}
      height={300}
      renderRow={(i) => <span>run {i}</span>}
      onNeedMore={onNeedMore}
      onOpen={onOpen}
      label="runs"
      idPrefix="r"
    />,
  );
}

describe("VirtualList", () => {
  it("puts only the visible rows of 100,000 in the DOM", () => {
    list(100_000, false);
    const options = screen.getAllByRole("option");
    expect(options.length).toBeLessThan(30);
    expect(screen.getByText("run 0")).toBeTruthy();
    expect(screen.queryByText("run 500")).toBeNull();
    const spacer = document.querySelector(".vlist-spacer") as HTMLElement;
    expect(spacer.style.height).toBe(`${100_000 * 30}px`);
  });

  it("draws the rows of wherever it is scrolled to", () => {
    list(100_000, false);
    const box = screen.getByRole("listbox");
    box.scrollTop = 30 * 50_000;
    fireEvent.scroll(box);
    expect(screen.getByText("run 50000")).toBeTruthy();
    expect(screen.queryByText("run 0")).toBeNull();
  });

  it("asks for more before the end comes into view, and not otherwise", () => {
    const more = vi.fn();
    list(15, true, more);
    expect(more).toHaveBeenCalled();
    const never = vi.fn();
    list(1000, false, never);
    expect(never).not.toHaveBeenCalled();
  });

  it("moves with the keyboard and opens with Enter", () => {
    const open = vi.fn();
    list(100, false, vi.fn(), open);
    const box = screen.getByRole("listbox");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(box.getAttribute("aria-activedescendant")).toBe("r-1");
    fireEvent.keyDown(box, { key: "End" });
    expect(box.getAttribute("aria-activedescendant")).toBe("r-99");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(open).toHaveBeenCalledWith(99);
  });
});

"""The results of a run as markdown: one table row per page type and mode, then how it was measured."""

from dataclasses import dataclass

FLOOR = "fortunes"
SLOW = 0.25  # a page below this share of the fortunes rate is marked as slow


@dataclass
class Row:
    """What wrk and the in-process pass measured for one page type in one mode."""

    page: str
    mode: str
    urls: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    queries: str = "–"  # e.g. "7" or "6–9" over the sampled URLs
    kilobytes: float | None = None
    in_process_ms: float | None = None  # median time of one request in-process, without concurrency

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0


def measurement_order(pages):
    """The page types in the order they are measured: the floor before each and again after the last."""
    order = []
    for page in pages:
        if page != FLOOR:
            order += [FLOOR, page]
    return [*order, FLOOR]


def floors(rows):
    """The fortunes rate each row is compared with, in the order of ``rows``; None where there is none.

    The fortunes page is measured before each page type and again after the last, so a page is
    compared with the floor measured next to it: the higher of the fortunes rates just before
    and just after it in the same mode. Other work on a shared machine comes and goes within a
    run (one run measured fortunes at 880 requests a second first and 1,375 last); a floor taken
    once, or far from the page, flattered or wronged every page measured at another moment.
    A fortunes row itself is compared with the highest fortunes rate of its mode.
    """
    highest = {}
    for row in rows:
        if row.page == FLOOR:
            highest[row.mode] = max(highest.get(row.mode, 0.0), row.rate)
    before, after = _nearest_floor(rows), _nearest_floor(rows[::-1])[::-1]
    return [
        highest.get(row.mode) if row.page == FLOOR else max(before[i], after[i], key=lambda r: r or 0.0)
        for i, row in enumerate(rows)
    ]


def _nearest_floor(rows):
    """For each row, the rate of the last fortunes row of its mode before it; None where there is none."""
    last, nearest = {}, []
    for row in rows:
        nearest.append(last.get(row.mode))
        if row.page == FLOOR:
            last[row.mode] = row.rate
    return nearest


def share(row, floor):
    """The row's rate over ``floor`` (a fortunes rate, see :func:`floors`); None where there is none."""
    return row.rate / floor if floor else None


def ratios(rows):
    """``{(page, mode): share of the fortunes rate}`` for the pages other than the floor itself."""
    return {
        (row.page, row.mode): share(row, floor)
        for row, floor in zip(rows, floors(rows), strict=True)
        if row.page != FLOOR
    }


def problems(rows):
    """One line per row with failed responses, socket errors or no response at all; empty when all is well."""
    lines = []
    for row in rows:
        if row.non_2xx or row.socket_errors:
            lines.append(
                f"{row.page} ({row.mode}): {row.non_2xx:,} responses not 2xx, "
                f"{row.socket_errors:,} socket errors"
            )
        elif not row.requests:
            lines.append(f"{row.page} ({row.mode}): no request completed")
    return lines


def format_table(rows):
    """The markdown table: rate, latency, failures, queries, size, time alone, share of the fortunes rate."""
    lines = [
        "| page | mode | URLs | req/s | p50 ms | p99 ms | non-2xx | socket errors | queries | kB "
        "| in-process ms | × fortunes |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row, floor in zip(rows, floors(rows), strict=True):
        ratio = share(row, floor)
        slow = ratio is not None and ratio < SLOW and row.page != FLOOR
        share_text = "–" if ratio is None else f"{ratio:.2f}" + (" **slow**" if slow else "")
        failures = f"**{row.non_2xx:,}**" if row.non_2xx else "0"
        errors = f"**{row.socket_errors:,}**" if row.socket_errors else "0"
        size = "–" if row.kilobytes is None else f"{row.kilobytes:.1f}"
        alone = "–" if row.in_process_ms is None else f"{row.in_process_ms:.1f}"
        lines.append(
            f"| {row.page} | {row.mode} | {row.urls:,} | {row.rate:,.0f} "
            f"| {row.p50_ms:.1f} | {row.p99_ms:.1f} | {failures} | {errors} "
            f"| {row.queries} | {size} | {alone} | {share_text} |"
        )
    return "\n".join(lines) + "\n"


def format_report(rows, *, title, facts, notes=()):
    """The whole results file: a title, the table, any failures in bold, then ``facts`` as a list."""
    parts = [f"# {title}\n", format_table(rows)]
    failed = problems(rows)
    if failed:
        parts.append("**Some requests failed:**\n\n" + "\n".join(f"- {line}" for line in failed) + "\n")
    parts.append("\n".join(f"- {name}: {value}" for name, value in facts.items()) + "\n")
    if notes:
        parts.append("\n".join(notes) + "\n")
    return "\n".join(parts)


def format_imports(results, commands):
    """The "Importing meetings" section: seconds per meeting at each size, and the ratio to the first.

    ``results``: dicts with ``meetings``, ``seconds`` and ``per_meeting``, smallest size first;
    ``commands``: the command lines that reproduce them. A ratio near 1 means the import
    scales linearly.
    """
    lines = [
        "## Importing meetings\n",
        "The first meetings of the data set exported with `export_meetings --limit`, then imported "
        "into a fresh, migrated PostgreSQL database, in a process of its own (`bench/imports.py`): "
        "the time of `import_meetings` alone (one transaction for all the files). `ratio` is the "
        "seconds per meeting over those of the first row: 1.00 is linear.\n",
        "| meetings | seconds | s per meeting | ratio |",
        "|--:|--:|--:|--:|",
    ]
    base = results[0]["per_meeting"] if results else None
    for r in results:
        lines.append(
            f"| {r['meetings']:,} | {r['seconds']:,.1f} | {r['per_meeting']:.3f} | "
            f"{r['per_meeting'] / base:.2f} |"
        )
    lines.append("\nCommands:\n")
    lines += [f"    {command}" for command in commands]
    return "\n".join(lines) + "\n"

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


def floors(rows):
    """``{mode: the fortunes rate}``: the higher of its rates where it was measured more than once.

    The fortunes page is measured first and again last in each mode, so that other work on
    the machine while it was measured once does not flatter every page of that mode (a run
    measured it at 880 requests a second, then 1,375).
    """
    rates = {}
    for row in rows:
        if row.page == FLOOR:
            rates[row.mode] = max(rates.get(row.mode, 0.0), row.rate)
    return rates


def share(row, rates):
    """The row's rate over the fortunes rate of its mode (:func:`floors`); None where there is none."""
    floor = rates.get(row.mode)
    return row.rate / floor if floor else None


def ratios(rows):
    """``{(page, mode): share of the fortunes rate}`` for the pages other than the floor itself."""
    rates = floors(rows)
    return {(row.page, row.mode): share(row, rates) for row in rows if row.page != FLOOR}


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
    rates = floors(rows)
    lines = [
        "| page | mode | URLs | req/s | p50 ms | p99 ms | non-2xx | socket errors | queries | kB "
        "| in-process ms | × fortunes |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        ratio = share(row, rates)
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

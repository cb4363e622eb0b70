"""The downloads of the whole data set: rows per second and the peak memory of the process.

Each export runs in a process of its own (``python -m bench.exports PATH``), so that its
peak resident memory (``ru_maxrss``) is its own: Django set up with the bench settings,
one request through Django's test client, the streamed body read chunk by chunk and
thrown away, as a web server would send it. The process prints one JSON line.
"""

import json
import os
import resource
import subprocess
import sys
import time

EXPORTS = [
    "/commitments/export.csv",
    "/commitments/export.json",
    "/meetings/export.csv",
    "/companies/export.csv",
]


def peak_rss_mb():
    """This process's peak resident memory, in MB (VmHWM: unlike ru_maxrss, it starts again at exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path):
    """Run one export in this process; returns what it measured."""
    import django

    django.setup()
    from django.test import Client

    client = Client()
    before = peak_rss_mb()
    started = time.perf_counter()
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    lines = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    rows = lines - 1 if path.endswith(".csv") else lines - 6  # the header line; the JSON's frame
    return {
        "path": path,
        "rows": rows,
        "megabytes": size / 1e6,
        "seconds": seconds,
        "rows_per_second": rows / seconds if seconds else 0.0,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": before,
    }


def measure_all(environ, paths=EXPORTS):
    """Each export in a process of its own, with the environment the benchmark set up."""
    results = []
    for path in paths:
        done = subprocess.run(
            [sys.executable, "-m", "bench.exports", path],
            env=environ,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the export {path} failed:\n{done.stderr[-2000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def format_table(results):
    lines = [
        "| export | rows | MB | seconds | rows/s | peak RSS MB (after start-up) |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| `{r['path']}` | {r['rows']:,} | {r['megabytes']:,.0f} | {r['seconds']:,.1f} | "
            f"{r['rows_per_second']:,.0f} | {r['peak_rss_mb']:,.0f} ({r['rss_before_mb']:,.0f}) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    print(json.dumps(measure(sys.argv[1])))

"""How long cleaning, extraction and drafting take per article.

    python -m meetings.articles.benchmark tests/data/articles/*.txt

prints one line per article with the best of several runs, so that a slow
pattern shows up before an editor waits on it. It needs no database and no
Django settings. (A benchmark, not a test: timings depend on the machine.)
"""

import sys
import time
from pathlib import Path

from .cleaning import clean_article
from .drafts import to_import_dict, to_yaml
from .extraction import extract
from .reading import ArticleError


def _best(function, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def benchmark(paths, *, repeat=20):
    """``(name, seconds to clean, to extract, to draft)`` for each article, best of ``repeat`` runs;
    an article that cannot be read gives its error message instead of the times."""
    rows = []
    for path in map(Path, paths):
        data = path.read_bytes()
        try:
            cleaning, cleaned = _best(lambda data=data: clean_article(data), repeat)
        except ArticleError as error:
            rows.append((path.name, str(error)))
            continue
        extracting, extraction = _best(lambda cleaned=cleaned: extract(cleaned), repeat)
        drafting, _ = _best(lambda x=extraction: to_yaml(to_import_dict(x), extraction=x), repeat)
        rows.append((path.name, cleaning, extracting, drafting))
    return rows


def main(argv=None):
    folder = Path(__file__).resolve().parents[2] / "tests" / "data" / "articles"
    paths = (argv if argv is not None else sys.argv[1:]) or sorted(
        path for path in folder.iterdir() if path.suffix in (".txt", ".html", ".bin")
    )
    for row in benchmark(paths):
        if len(row) == 2:
            print(f"{row[0]}: not an article ({row[1]})")
        else:
            name, cleaning, extracting, drafting = row
            total = cleaning + extracting + drafting
            print(
                f"{name}: clean {cleaning * 1000:.1f} ms, extract {extracting * 1000:.1f} ms, "
                f"draft {drafting * 1000:.1f} ms; {total * 1000:.1f} ms in all"
            )


if __name__ == "__main__":
    main()

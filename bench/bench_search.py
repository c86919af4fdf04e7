"""Search benchmark: how long Pagefind takes to index a project's site and how big the index is.

    python bench/bench_search.py [PROJECT_DIR]
    python bench/bench_search.py --built OUTPUT_DIR [--build-seconds S]

Builds the project (the bundled sample by default; bench/make_bench_data.py writes the stress project) into a
temporary folder, then indexes the built site's searchable pages again on their own, as the build does: cuts
their search pages (generator/search_pages.py), then runs Pagefind over them. Prints the build time, the
cutting and indexing times and their share of the build, the pages indexed, and the size of the published
bundle (all of it, and the index proper: fragments, index chunks, filters, metadata).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from generator.build import build_site
from generator.search import BUNDLE, SearchIndex


def index_built_site(site: Path) -> tuple[float, float, int, dict[str, int]]:
    """(seconds cutting the search pages, seconds indexing them, pages indexed, bytes by kind of file) for the
    built site's marked pages, read into memory first."""
    pages = [(path.relative_to(site).as_posix(), path.read_bytes()) for path in sorted(site.rglob("*.html"))
             if BUNDLE not in path.relative_to(site).parts[:1]]
    with SearchIndex() as search:
        started = time.perf_counter()
        for relative, html in pages:
            search.add(relative, html)
        cutting = time.perf_counter() - started
        started = time.perf_counter()
        sizes: dict[str, int] = {}
        for name, content in search.files():
            assert content is not None  # a bundle made now (no previous one to link)
            kind = name.split("/")[1] if name.count("/") > 1 else "top-level"
            sizes[kind] = sizes.get(kind, 0) + len(content)
        return cutting, time.perf_counter() - started, search.pages, sizes


def report_index(site: Path, build_seconds: float | None) -> None:
    cutting, seconds, pages, sizes = index_built_site(site)
    bundle = list((site / BUNDLE).rglob("*"))
    files = sum(1 for path in bundle if path.is_file())
    total = sum(sizes.values())
    index_bytes = total - sizes.get("top-level", 0)
    both = cutting + seconds
    share = f" = {both / build_seconds:.0%} of the build" if build_seconds else ""
    print(f"search: {pages} search pages cut in {cutting:.1f} s and indexed in {seconds:.1f} s{share}")
    parts = ", ".join(f"{kind} {size / 1024:.0f} KiB" for kind, size in sorted(sizes.items()))
    print(f"bundle: {files} files, {total / 1024:.0f} KiB in all, of which the index proper "
          f"{index_bytes / 1024:.0f} KiB ({parts})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", default=".", type=Path, help="project folder (default: .)")
    parser.add_argument("--built", type=Path, help="index this already built site instead of building the project "
                        "(a large site's build takes minutes; give its build time with --build-seconds)")
    parser.add_argument("--build-seconds", type=float, help="the built site's build time, for the share")
    args = parser.parse_args()
    if args.built is not None:
        report_index(args.built.resolve(), args.build_seconds)
        return
    project = args.project.resolve()
    with tempfile.TemporaryDirectory(prefix="rapor-bench-search-") as tmp:
        site = Path(tmp) / "site"
        report = build_site(project, site)
        print(f"build: {report.pages} pages in {report.seconds:.1f} s (indexing included)")
        report_index(site, report.seconds)


if __name__ == "__main__":
    main()

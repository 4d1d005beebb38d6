"""Accept measure [8]: what measuring noise bands costs at `make accept`, and what it costs a build.

Accept runs each accepted chain once more under every other numeric variant (run/variants.py), so
its time grows with the number of variants; a build runs every chain once, under the host's own
kernels, whatever the records hold.  Measured on one page with training (metrics.md), in the
snapshot tree: accept with the host variant only, accept with the default variant set, then a
warm build of the whole site with the new records.  Each accept starts with the page's chains out
of the cache (a comment added to each chain's first block), so both pay the host run.
"""
from __future__ import annotations

from pathlib import Path

from benchlib import build, describe, results, row, say, site_chains

PAGE = "metrics.md"


def _uncache(root: Path, tag: str) -> int:
    """Add ``# bench: <tag>`` as the first line of each chain of PAGE; return how many chains."""
    _, pages = site_chains(root)
    from execdocs.parse.page import chains

    heads = [chain.head for chain in chains(pages[PAGE]) if not chain.skip]
    path = root / "docs" / PAGE
    lines = path.read_text().splitlines(keepends=True)
    for head in sorted(heads, key=lambda b: -b.line):  # bottom up: earlier line numbers stay valid
        lines.insert(head.line, f"{head.indent}# bench: {tag}\n")
    path.write_text("".join(lines))
    return len(heads)


def bench_accept(root: Path, tmp: Path) -> None:
    """[8] accept with variants vs without, on one page; the build after it (not slower)."""
    say(f"\n[8] accept {PAGE}: noise bands measured under the variants vs the host alone")
    times = {}
    for label, variants in (("host only", "host"), ("default variants", "")):
        chains = _uncache(root, label)
        extra = {"EXECDOCS_ACCEPT": "1", "EXECDOCS_ACCEPT_PAGES": PAGE}
        if variants:
            extra["EXECDOCS_ACCEPT_VARIANTS"] = variants
        run = build(root, tmp / f"site-accept-{len(times)}", f"accept ({label})", **extra)
        times[label] = run["seconds"]
        say(f"  accept, {label}: {run['seconds']:.1f} s ({chains} chain(s) out of the cache; "
            f"{describe(run['counts'])})")
    after = build(root, tmp / "site-after-accept", "warm build after accept")
    say(f"  warm build after accept: {after['seconds']:.1f} s ({describe(after['counts'])})")
    ratio = times["default variants"] / times["host only"]
    results["figures"]["accept_variants"] = {"page": PAGE, "host_only_s": times["host only"],
                                             "variants_s": times["default variants"], "ratio": ratio,
                                             "build_after_s": after["seconds"]}
    row(f"8 accept {PAGE}: with variants / host only", f"{ratio:.1f}x ({times['default variants']:.0f} s vs "
        f"{times['host only']:.0f} s)", "the variants' extra runs only (~3x)", ratio <= 4.0)
    warm = results["figures"].get("warm_rebuild", {}).get("warm_median_s")
    if warm:
        row("8 warm build after accept / warm build before", f"{after['seconds'] / warm:.2f}x "
            f"({after['seconds']:.2f} s vs {warm:.2f} s)", "<= 1.25x (bands cost a build nothing)",
            after["seconds"] / warm <= 1.25)

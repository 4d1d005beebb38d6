"""Per page: how many record entries are exact and how many banded, the widest band, and how
another machine's record (``--other DIR``, e.g. the records before re-recording) falls against
the bands: numbers inside (noise) and outside (would drift there).

    PYTHONPATH=src python benchmarks/bands_report.py [--other OLD_RECORDS_DIR]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from execdocs.check.noise import MARGIN, judge


def entries(record: dict):
    for n, block in enumerate(record.get("blocks", [])):
        for device, output in block.get("outputs", {}).items():
            yield n, device, output


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", default="records")
    parser.add_argument("--other")
    args = parser.parse_args()
    print(f"widest band: lo-hi, ± the margin a build allows (MARGIN {MARGIN:g} x the recorded noise scale), "
          "and the allowed width relative to the number (absolute below 1)")
    print(f"{'page':32} exact banded {'widest band (relative width)':34} | other machine: inside outside")
    totals = [0, 0, 0, 0]
    for path in sorted(Path(args.records).glob("*.json")):
        record = json.loads(path.read_text())
        if "blocks" not in record:
            continue
        other = json.loads((Path(args.other) / path.name).read_text()) if args.other and \
            (Path(args.other) / path.name).exists() else None
        exact = banded = inside = outside = 0
        widest, shown = 0.0, "-"
        for n, device, output in entries(record):
            bands = output.get("bands") or {}
            banded += output.get("noise") == "banded"
            exact += output.get("noise") == "exact"
            for stream in bands.values():
                for _, lo, hi, scale in stream:
                    margin = MARGIN * scale
                    width = (hi - lo + 2 * margin) / max(abs(lo), abs(hi), 1.0)  # below 1: absolute
                    if width > widest:
                        widest, shown = width, f"{lo:g}-{hi:g} ±{margin:.2g} ({width:.1%})"
            if other and n < len(other["blocks"]):
                theirs = other["blocks"][n]["outputs"].get(device)
                if theirs and other["blocks"][n].get("code_sha") == record["blocks"][n].get("code_sha"):
                    verdict = judge("\n".join(output["stdout"]), "\n".join(theirs["stdout"]),
                                    bands.get("stdout") or [], 1e-4, 1e-6)
                    inside += verdict.inside
                    outside += len(verdict.outside) + 1000 * verdict.structural
        totals = [a + b for a, b in zip(totals, (exact, banded, inside, outside))]
        print(f"{record['page']:32} {exact:5} {banded:6} {shown:34} | {inside:21} {outside:7}")
    print(f"{'total':32} {totals[0]:5} {totals[1]:6} {'':34} | {totals[2]:21} {totals[3]:7}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate a valid archive of N records for benchmarks: `scripts/gen_corpus.py DEST -n 2000`.

DEST receives archive.yml and docs/archive/; copy mkdocs.yml, hooks/ and overrides/ next to it
to build it (scripts/bench.py does all of this).
"""

import argparse
from pathlib import Path

from corpus import CorpusSpec, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("-n", "--records", type=int, default=1000)
    parser.add_argument("--units", type=int, default=12)
    parser.add_argument("--chars", type=int, default=3400, help="Han characters of text per record")
    parser.add_argument("--seed", type=int, default=20231)
    parser.add_argument("--filed", type=float, default=0.2, help="share of records filed with archive file")
    args = parser.parse_args()
    spec = CorpusSpec(records=args.records, units=args.units, chars=args.chars, seed=args.seed, filed_share=args.filed)
    paths = generate(args.dest, spec)
    print(f"wrote {len(paths)} records under {args.dest / 'docs' / 'archive'}")


if __name__ == "__main__":
    main()

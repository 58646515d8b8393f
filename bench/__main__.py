"""``python -m bench``: measure ourchat beside a bare grpc.aio server and write the report."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bench.modes import FULL, QUICK
from bench.report import summary, write_all
from bench.run import FIGURE_NAMES, Options, run

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the last line on stdout is the JSON summary."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="one short repetition (under a minute)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where results go")
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="sample the server with py-spy (default: on in the full run)",
    )
    parser.add_argument(
        "--pg-url",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="PostgreSQL server for figure 7 (a database is created and dropped)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--only",
        default=",".join(FIGURE_NAMES),
        help=f"comma-separated parts to run, of: {', '.join(FIGURE_NAMES)} (default: all)",
    )
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    out_dir: Path = args.out / mode.name
    profile = args.profile if args.profile is not None else not args.quick
    only = frozenset(p.strip() for p in args.only.split(",") if p.strip())
    unknown = only - set(FIGURE_NAMES)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}")
    options = Options(mode, out_dir, profile, args.pg_url, args.redis_url, only)
    result, profile_md = asyncio.run(run(options, _say))
    json_path = write_all(result, out_dir, profile_md)
    _say(f"# report: {out_dir / 'report.md'}")
    for target in result.targets:
        print(f"target {target['name']:<20} {target['verdict']:<13} {target['detail']}")
    print(json.dumps(summary(result, json_path), separators=(",", ":")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

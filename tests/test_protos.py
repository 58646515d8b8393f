"""The committed src/ourchat/_pb matches proto/; the rules of proto/ADDITIONS.md.

Comparing proto/ with the wire reference WIRE.md needs that file, which lives outside this
repository: run ``python scripts/check_wire.py --wire PATH/TO/WIRE.md`` for it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATED_DIR = REPO_ROOT / "src" / "ourchat" / "_pb"


def _tree(root: Path) -> dict[str, bytes]:
    """Map each file under ``root`` (relative POSIX path, ``__pycache__`` ignored) to its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.relative_to(root).parts
    }


def _load_check_wire() -> ModuleType:
    """Import scripts/check_wire.py as a module (scripts/ is not a package)."""
    name = "_ourchat_scripts_check_wire"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / "check_wire.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "_pb"
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "gen_protos.py"), "--out", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    fresh, committed = _tree(out), _tree(GENERATED_DIR)
    hint = "src/ourchat/_pb is stale: run `python scripts/gen_protos.py`"
    assert sorted(fresh.keys() - committed.keys()) == [], f"{hint} (files missing)"
    assert sorted(committed.keys() - fresh.keys()) == [], f"{hint} (stale files)"
    changed = sorted(path for path in fresh if fresh[path] != committed[path])
    assert changed == [], f"{hint} (files differ)"


_REFERENCE = """\
### file `a/v1/a.proto` (package `a.v1`)

#### `a.v1.FetchMsgsResponse`
| # | field | type | label |
|---|---|---|---|
| 1 | msg | `string` | oneof respond_event_type |
| 5 | msg_id | `uint64` |  |
"""


def _merged(additions: str) -> tuple[list[str], dict[int, str]]:
    """Problems and FetchMsgsResponse fields after merging ``additions`` into a tiny reference."""
    check_wire = _load_check_wire()
    spec = check_wire.parse_wire(_REFERENCE.replace("a.v1.FetchMsgsResponse", _TARGET))
    check_wire.merge_additions(spec, check_wire.parse_wire(additions, "ADDITIONS.md"))
    fields = {f.number: f.name for f in spec.messages[_TARGET].fields}
    return spec.problems, fields


_TARGET = "service.ourchat.msg_delivery.v1.FetchMsgsResponse"


def _extension(number: int, label: str = "oneof respond_event_type") -> str:
    return f"""\
### extends `{_TARGET}`

#### `{_TARGET}`
| # | field | type | label |
|---|---|---|---|
| {number} | added | `string` | {label} |
"""


def test_additions_accept_variants_from_field_100() -> None:
    problems, fields = _merged(_extension(100))
    assert problems == []
    assert fields == {1: "msg", 5: "msg_id", 100: "added"}


@pytest.mark.parametrize(
    ("additions", "problem"),
    [
        (_extension(15), f"ADDITIONS.md: {_TARGET} field 15 added is not free"),
        (_extension(101, ""), f"ADDITIONS.md: {_TARGET}.added must be in respond_event_type"),
        (
            _extension(100).replace(f"extends `{_TARGET}`", "extends `a.v1.Other`"),
            f"ADDITIONS.md:3: {_TARGET} inside extends a.v1.Other",
        ),
        (
            "### `a.v1.NewService`\n\n| method | request | response |\n|---|---|---|\n",
            "ADDITIONS.md: service a.v1.NewService may not be added",
        ),
        (
            _REFERENCE.replace("a.v1.FetchMsgsResponse", _TARGET),
            "ADDITIONS.md: file a/v1/a.proto is already in WIRE.md",
        ),
    ],
)
def test_additions_refuse_anything_else(additions: str, problem: str) -> None:
    problems, fields = _merged(additions)
    assert problem in problems
    assert 15 not in fields

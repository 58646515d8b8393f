"""Regenerate src/ourchat/_pb from proto/ with grpc_tools.protoc (messages, gRPC stubs, .pyi).

Usage: python scripts/gen_protos.py [--out DIR]

protoc emits absolute imports such as ``from service.auth.v1 import auth_pb2``; they are
rewritten to ``from ourchat._pb.service.auth.v1 import auth_pb2`` so the generated tree can live
inside our package. The output's ``service/`` tree is replaced wholesale, so removed protos leave
no stale modules behind.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from grpc_tools import protoc  # type: ignore[import-untyped]

REPO_ROOT = Path(__file__).resolve().parents[1]
PROTO_DIR = REPO_ROOT / "proto"
DEFAULT_OUT = REPO_ROOT / "src" / "ourchat" / "_pb"
PACKAGE_PREFIX = "ourchat._pb"
TOP_PACKAGE = "service"
INIT_DOCSTRING = (
    '"""Generated protobuf and gRPC modules; never edit by hand (scripts/gen_protos.py)."""\n'
)

_FROM_IMPORT = re.compile(rf"^(\s*)from {TOP_PACKAGE}(\.| )", re.MULTILINE)
_PLAIN_IMPORT = re.compile(rf"^(\s*)import {TOP_PACKAGE}\.", re.MULTILINE)
# The module name protoc passes to the builder becomes each message class's __module__.
_BUILDER_MODULE = re.compile(rf"(BuildTopDescriptorsAndMessages\(DESCRIPTOR, ')({TOP_PACKAGE}\.)")


def find_protos(proto_dir: Path) -> list[Path]:
    """Return every .proto under ``proto_dir``, sorted for a deterministic protoc invocation."""
    return sorted(proto_dir.rglob("*.proto"), key=lambda p: p.relative_to(proto_dir).as_posix())


def run_protoc(proto_dir: Path, protos: list[Path], out_dir: Path) -> None:
    """Compile ``protos`` into ``out_dir`` (pb2, pb2_grpc and pyi); raise on a protoc error."""
    bundled = resources.files("grpc_tools") / "_proto"
    args = [
        "grpc_tools.protoc",
        f"--proto_path={proto_dir}",
        f"--proto_path={bundled}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        f"--pyi_out={out_dir}",
        *(p.relative_to(proto_dir).as_posix() for p in protos),
    ]
    code = protoc.main(args)
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")


def rewrite_imports(text: str) -> str:
    """Point ``service.*`` imports (and the builder's module name) at ``ourchat._pb.service.*``."""
    text = _FROM_IMPORT.sub(rf"\1from {PACKAGE_PREFIX}.{TOP_PACKAGE}\2", text)
    text = _PLAIN_IMPORT.sub(rf"\1import {PACKAGE_PREFIX}.{TOP_PACKAGE}.", text)
    return _BUILDER_MODULE.sub(rf"\g<1>{PACKAGE_PREFIX}.\g<2>", text)


def postprocess(tree: Path) -> None:
    """Rewrite imports in every generated .py/.pyi; add an empty ``__init__.py`` per directory."""
    for path in sorted(tree.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".pyi"}:
            original = path.read_text(encoding="utf-8")
            rewritten = rewrite_imports(original)
            if rewritten != original:
                path.write_text(rewritten, encoding="utf-8")
    for directory in sorted([tree, *(p for p in tree.rglob("*") if p.is_dir())]):
        (directory / "__init__.py").touch()


def generate(out_dir: Path, proto_dir: Path = PROTO_DIR) -> None:
    """Regenerate ``out_dir/service`` from ``proto_dir`` and write ``out_dir/__init__.py``."""
    protos = find_protos(proto_dir)
    if not protos:
        raise SystemExit(f"no .proto files under {proto_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gen_protos_") as tmp:
        staging = Path(tmp)
        run_protoc(proto_dir, protos, staging)
        generated = staging / TOP_PACKAGE
        postprocess(generated)
        target = out_dir / TOP_PACKAGE
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(generated, target)
    (out_dir / "__init__.py").write_text(INIT_DOCSTRING, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output package directory (default: {DEFAULT_OUT.relative_to(REPO_ROOT)})",
    )
    args = parser.parse_args(argv)
    generate(args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Compare the generated protobuf descriptors in src/ourchat/_pb against the wire reference WIRE.md.

Usage: python scripts/check_wire.py [--wire PATH] [--src DIR]

WIRE.md is parsed for its services tables, its ``### file`` headings (path and package), the
``#### `full.Message.Name``` headings with their ``| # | field | type | label |`` tables, and the
``#### enum`` headings with their ``NAME=number`` lists. Every generated module is imported and the
default descriptor pool is checked against that: files and packages, each message's field numbers,
names, types and labels (plain, ``optional``, ``repeated``, ``oneof <name>``), each enum's values in
order, and each service's methods with request/response types and streaming flags. Anything present
on one side only is reported too. Exits 0 when there are no differences, 1 otherwise.

Our own additions are listed, in the same format, in ``proto/ADDITIONS.md`` and merged into the
reference first. Only new files (with their messages and enums) and ``FetchMsgsResponse`` oneof
variants at field numbers of at least :data:`FIRST_ADDED_FIELD` are accepted there (``### extends
`full.Name``` introduces the latter); anything else in it is reported as a difference.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FileDescriptor, ServiceDescriptor

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WIRE = REPO_ROOT.parent / "shared" / "protocol" / "WIRE.md"
DEFAULT_SRC = REPO_ROOT / "src"
DEFAULT_ADDITIONS = REPO_ROOT / "proto" / "ADDITIONS.md"
GENERATED_PACKAGE = "ourchat._pb"
TOP_PACKAGE = "service"

_FDP = descriptor_pb2.FieldDescriptorProto
SCALAR_TYPES: dict[str, int] = {
    "double": _FDP.TYPE_DOUBLE,
    "float": _FDP.TYPE_FLOAT,
    "int32": _FDP.TYPE_INT32,
    "int64": _FDP.TYPE_INT64,
    "uint32": _FDP.TYPE_UINT32,
    "uint64": _FDP.TYPE_UINT64,
    "sint32": _FDP.TYPE_SINT32,
    "sint64": _FDP.TYPE_SINT64,
    "fixed32": _FDP.TYPE_FIXED32,
    "fixed64": _FDP.TYPE_FIXED64,
    "sfixed32": _FDP.TYPE_SFIXED32,
    "sfixed64": _FDP.TYPE_SFIXED64,
    "bool": _FDP.TYPE_BOOL,
    "string": _FDP.TYPE_STRING,
    "bytes": _FDP.TYPE_BYTES,
}
_SCALAR_NAMES = {number: name for name, number in SCALAR_TYPES.items()}
# Well-known types WIRE.md may reference; all are messages.
WELL_KNOWN_MESSAGES = frozenset({"google.protobuf.Timestamp", "google.protobuf.Duration"})
# Messages our additions may extend, with the oneof the added fields must belong to.
EXTENSIBLE = {"service.ourchat.msg_delivery.v1.FetchMsgsResponse": "respond_event_type"}
# Added fields start here, far above any number the reference uses.
FIRST_ADDED_FIELD = 100


@dataclass(frozen=True)
class WireField:
    """One row of a message table."""

    number: int
    name: str
    type: str
    label: str  # "", "optional", "repeated" or "oneof <name>"


@dataclass
class WireMessage:
    """A ``#### `full.Name``` section."""

    full_name: str
    file: str
    fields: list[WireField] = field(default_factory=list)


@dataclass
class WireEnum:
    """A ``#### enum `full.Name``` section."""

    full_name: str
    file: str
    values: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class WireMethod:
    """One row of a services table."""

    name: str
    request: str
    response: str
    client_streaming: bool
    server_streaming: bool


@dataclass
class WireSpec:
    """Everything WIRE.md states about the protocol."""

    files: dict[str, str] = field(default_factory=dict)  # path -> package
    messages: dict[str, WireMessage] = field(default_factory=dict)
    enums: dict[str, WireEnum] = field(default_factory=dict)
    services: dict[str, list[WireMethod]] = field(default_factory=dict)
    extensions: dict[str, WireMessage] = field(default_factory=dict)  # "### extends" sections
    problems: list[str] = field(default_factory=list)  # lines the parser could not understand


_SERVICE_HEADING = re.compile(r"^### `([\w.]+)`\s*$")
_EXTENDS_HEADING = re.compile(r"^### extends `([\w.]+)`\s*$")
_FILE_HEADING = re.compile(r"^### file `([\w./]+\.proto)` \(package `([\w.]+)`\)\s*$")
_ENUM_HEADING = re.compile(r"^#### enum `([\w.]+)`\s*$")
_MESSAGE_HEADING = re.compile(r"^#### `([\w.]+)`\s*$")
_TYPE_CELL = r"\s*`(stream )?([\w.]+)`\s*\|"
_METHOD_ROW = re.compile(rf"^\|\s*(\w+)\s*\|{_TYPE_CELL}{_TYPE_CELL}\s*$")
_FIELD_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*(\w+)\s*\|\s*`([\w.]+)`\s*\|\s*(.*?)\s*\|\s*$")
_LABEL = re.compile(r"^(|optional|repeated|oneof \w+)$")
_ENUM_VALUE = re.compile(r"^([A-Z][A-Z0-9_]*)=(-?\d+)$")
_TABLE_HEADER = re.compile(r"^\|\s*(method|#)\s*\|")
_TABLE_RULE = re.compile(r"^\|(\s*-+\s*\|)+\s*$")


def parse_wire(text: str, source: str = "WIRE.md") -> WireSpec:
    """Parse WIRE.md into a :class:`WireSpec`; unparseable lines are recorded in ``problems``."""
    spec = WireSpec()
    service: str | None = None
    file: str | None = None
    extending: str | None = None
    message: WireMessage | None = None
    enum: WireEnum | None = None

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        where = f"{source}:{lineno}"
        if m := _EXTENDS_HEADING.match(line):
            extending, file, service, message, enum = m.group(1), None, None, None, None
        elif extending is not None and (m := _MESSAGE_HEADING.match(line)):
            if m.group(1) != extending or extending in spec.extensions:
                spec.problems.append(f"{where}: {m.group(1)} inside extends {extending}")
            message = WireMessage(m.group(1), "")
            spec.extensions[m.group(1)] = message
        elif m := _FILE_HEADING.match(line):
            file, service, message, enum, extending = m.group(1), None, None, None, None
            if file in spec.files:
                spec.problems.append(f"{where}: file {file} listed twice")
            spec.files[file] = m.group(2)
        elif m := _SERVICE_HEADING.match(line):
            service, file, message, enum, extending = m.group(1), None, None, None, None
            if service in spec.services:
                spec.problems.append(f"{where}: service {service} listed twice")
            spec.services[service] = []
        elif m := _ENUM_HEADING.match(line):
            message = None
            if file is None:
                spec.problems.append(f"{where}: enum outside a file section")
                continue
            enum = WireEnum(m.group(1), file)
            if enum.full_name in spec.enums or enum.full_name in spec.messages:
                spec.problems.append(f"{where}: {enum.full_name} defined twice")
            spec.enums[enum.full_name] = enum
        elif m := _MESSAGE_HEADING.match(line):
            enum = None
            if file is None:
                spec.problems.append(f"{where}: message outside a file section")
                continue
            message = WireMessage(m.group(1), file)
            if message.full_name in spec.messages or message.full_name in spec.enums:
                spec.problems.append(f"{where}: {message.full_name} defined twice")
            spec.messages[message.full_name] = message
        elif line.startswith("#"):
            service = message = enum = extending = None
            if not line.startswith(("# ", "## ")):
                spec.problems.append(f"{where}: unrecognised heading {line!r}")
        elif (
            not line.strip()
            or _TABLE_HEADER.match(line)
            or _TABLE_RULE.match(line)
            or (line.strip() == "(no fields)" and message is not None and not message.fields)
        ):
            continue
        elif service is not None and (m := _METHOD_ROW.match(line)):
            spec.services[service].append(
                WireMethod(m.group(1), m.group(3), m.group(5), bool(m.group(2)), bool(m.group(4)))
            )
        elif message is not None and (m := _FIELD_ROW.match(line)):
            label = m.group(4)
            if not _LABEL.match(label):
                spec.problems.append(f"{where}: unknown label {label!r}")
            message.fields.append(WireField(int(m.group(1)), m.group(2), m.group(3), label))
        elif enum is not None and not enum.values and "=" in line:
            for item in line.split(","):
                if vm := _ENUM_VALUE.match(item.strip()):
                    enum.values.append((vm.group(1), int(vm.group(2))))
                else:
                    spec.problems.append(f"{where}: bad enum value {item.strip()!r}")
        else:
            spec.problems.append(f"{where}: unparsed line {line!r}")
    return spec


def merge_additions(spec: WireSpec, additions: WireSpec, source: str = "ADDITIONS.md") -> None:
    """Add our own additions to the reference ``spec``; refused ones go to ``spec.problems``.

    New files, messages and enums are taken as they are; an extension of a message in
    :data:`EXTENSIBLE` adds oneof fields numbered from :data:`FIRST_ADDED_FIELD`. Services and
    anything that would change what the reference already defines are refused.
    """
    spec.problems.extend(additions.problems)
    for path, package in additions.files.items():
        if path in spec.files:
            spec.problems.append(f"{source}: file {path} is already in WIRE.md")
        else:
            spec.files[path] = package
    for name, added_message in additions.messages.items():
        if name in spec.messages or name in spec.enums:
            spec.problems.append(f"{source}: {name} is already in WIRE.md")
        else:
            spec.messages[name] = added_message
    for name, added_enum in additions.enums.items():
        if name in spec.messages or name in spec.enums:
            spec.problems.append(f"{source}: {name} is already in WIRE.md")
        else:
            spec.enums[name] = added_enum
    for name in additions.services:
        spec.problems.append(f"{source}: service {name} may not be added")
    for name, extension in additions.extensions.items():
        target = spec.messages.get(name)
        if name not in EXTENSIBLE or target is None:
            spec.problems.append(f"{source}: {name} may not be extended")
            continue
        used = {f.number for f in target.fields}
        for f in extension.fields:
            if f.number < FIRST_ADDED_FIELD or f.number in used:
                spec.problems.append(f"{source}: {name} field {f.number} {f.name} is not free")
            elif f.label != f"oneof {EXTENSIBLE[name]}":
                spec.problems.append(f"{source}: {name}.{f.name} must be in {EXTENSIBLE[name]}")
            else:
                target.fields.append(f)
                used.add(f.number)


def import_generated(src_dir: Path) -> list[FileDescriptor]:
    """Import every generated ``*_pb2`` / ``*_pb2_grpc`` module; return the pb2 file descriptors."""
    package_dir = src_dir.joinpath(*GENERATED_PACKAGE.split("."))
    if not package_dir.is_dir():
        raise FileNotFoundError(f"no generated package at {package_dir}")
    if str(src_dir) not in sys.path:
        sys.path.insert(0, str(src_dir))
    files: list[FileDescriptor] = []
    for path in sorted(package_dir.rglob("*_pb2*.py")):
        relative = path.relative_to(src_dir).with_suffix("")
        module = importlib.import_module(".".join(relative.parts))
        if path.stem.endswith("_pb2"):
            files.append(module.DESCRIPTOR)
    return files


def _describe_label(fp: _FDP, dp: descriptor_pb2.DescriptorProto) -> str:
    """Render a field's label in WIRE.md's vocabulary."""
    if fp.label == _FDP.LABEL_REPEATED:
        return "repeated"
    if fp.proto3_optional:
        return "optional"
    if fp.HasField("oneof_index"):
        return f"oneof {dp.oneof_decl[fp.oneof_index].name}"
    if fp.label == _FDP.LABEL_REQUIRED:
        return "required"
    return ""


def _describe_type(fp: _FDP) -> str:
    """Render a field's type in WIRE.md's vocabulary (kind prefix for named types)."""
    if fp.type in _SCALAR_NAMES:
        return _SCALAR_NAMES[fp.type]
    kind = {_FDP.TYPE_MESSAGE: "message", _FDP.TYPE_ENUM: "enum", _FDP.TYPE_GROUP: "group"}.get(
        fp.type, f"type#{fp.type}"
    )
    return f"{kind} {fp.type_name.lstrip('.')}"


def _expected_type(spec: WireSpec, type_name: str) -> str:
    """Render a WIRE.md type the way :func:`_describe_type` renders a descriptor's."""
    if type_name in SCALAR_TYPES:
        return type_name
    if type_name in spec.enums:
        return f"enum {type_name}"
    return f"message {type_name}"


def _check_unknown_types(spec: WireSpec) -> Iterable[str]:
    """Types or methods in WIRE.md that refer to nothing WIRE.md defines."""
    known = set(spec.messages) | set(spec.enums) | WELL_KNOWN_MESSAGES | set(SCALAR_TYPES)
    for message in spec.messages.values():
        for f in message.fields:
            if f.type not in known:
                yield f"WIRE.md: {message.full_name}.{f.name} uses undefined type {f.type}"
    for service, methods in spec.services.items():
        for method in methods:
            for t in (method.request, method.response):
                if t not in spec.messages:
                    yield f"WIRE.md: {service}.{method.name} uses undefined message {t}"


def _compare_message(spec: WireSpec, wire: WireMessage, desc: Descriptor) -> Iterable[str]:
    name = wire.full_name
    if desc.file.name != wire.file:
        yield f"{name}: defined in {desc.file.name}, WIRE.md says {wire.file}"
    dp = descriptor_pb2.DescriptorProto()
    desc.CopyToProto(dp)
    if dp.nested_type or dp.enum_type:
        yield f"{name}: has nested types, WIRE.md lists none"
    actual = {fp.number: fp for fp in dp.field}
    expected: dict[int, WireField] = {}
    for f in wire.fields:
        if f.number in expected:
            yield f"WIRE.md: {name} lists field number {f.number} twice"
        expected[f.number] = f
    for number in sorted(expected.keys() - actual.keys()):
        f = expected[number]
        shape = " ".join(filter(None, (f.label, f.type)))
        yield f"{name}: missing field {number} {f.name} ({shape})"
    for number in sorted(actual.keys() - expected.keys()):
        yield f"{name}: extra field {number} {actual[number].name}"
    for number in sorted(expected.keys() & actual.keys()):
        f, fp = expected[number], actual[number]
        if fp.name != f.name:
            yield f"{name}: field {number} is named {fp.name!r}, WIRE.md says {f.name!r}"
        got_type, want_type = _describe_type(fp), _expected_type(spec, f.type)
        if got_type != want_type:
            yield f"{name}.{f.name} ({number}): type {got_type!r}, WIRE.md says {want_type!r}"
        got_label = _describe_label(fp, dp)
        if got_label != f.label:
            yield f"{name}.{f.name} ({number}): label {got_label!r}, WIRE.md says {f.label!r}"
    # proto3 ``optional`` fields each get a synthetic oneof; only real oneofs must be in WIRE.md.
    synthetic = {fp.oneof_index for fp in dp.field if fp.proto3_optional}
    wire_oneofs = {f.label[len("oneof ") :] for f in wire.fields if f.label.startswith("oneof ")}
    for index, oneof in enumerate(dp.oneof_decl):
        if index not in synthetic and oneof.name not in wire_oneofs:
            yield f"{name}: extra oneof {oneof.name}"


def _compare_enum(wire: WireEnum, desc: EnumDescriptor) -> Iterable[str]:
    name = wire.full_name
    if desc.file.name != wire.file:
        yield f"{name}: defined in {desc.file.name}, WIRE.md says {wire.file}"
    actual = [(v.name, v.number) for v in desc.values]
    if actual != wire.values:
        missing = [f"{n}={v}" for n, v in wire.values if (n, v) not in actual]
        extra = [f"{n}={v}" for n, v in actual if (n, v) not in wire.values]
        detail = f"missing {missing}, extra {extra}" if missing or extra else "order differs"
        yield f"{name}: enum values differ ({detail})"


def _compare_service(
    name: str, methods: list[WireMethod], desc: ServiceDescriptor
) -> Iterable[str]:
    actual = {m.name: m for m in desc.methods}
    expected: dict[str, WireMethod] = {}
    for method in methods:
        if method.name in expected:
            yield f"WIRE.md: {name} lists method {method.name} twice"
        expected[method.name] = method
    for missing in sorted(expected.keys() - actual.keys()):
        yield f"{name}: missing method {missing}"
    for extra in sorted(actual.keys() - expected.keys()):
        yield f"{name}: extra method {extra}"
    for method_name in sorted(expected.keys() & actual.keys()):
        want, got = expected[method_name], actual[method_name]
        pairs = {
            "request": (got.input_type.full_name, want.request),
            "response": (got.output_type.full_name, want.response),
            "client_streaming": (got.client_streaming, want.client_streaming),
            "server_streaming": (got.server_streaming, want.server_streaming),
        }
        for aspect, (got_value, want_value) in pairs.items():
            if got_value != want_value:
                yield f"{name}.{method_name}: {aspect} {got_value}, WIRE.md says {want_value}"


def compare(
    spec: WireSpec, generated: list[FileDescriptor], pool: descriptor_pool.DescriptorPool
) -> list[str]:
    """Return every difference between ``spec`` and the descriptors (empty list when they agree)."""
    diffs: list[str] = list(spec.problems)
    diffs.extend(_check_unknown_types(spec))

    by_name = {fd.name: fd for fd in generated}
    for path in sorted(spec.files.keys() - by_name.keys()):
        diffs.append(f"{path}: listed in WIRE.md but not generated")
    for path in sorted(by_name.keys() - spec.files.keys()):
        diffs.append(f"{path}: generated but not listed in WIRE.md")
    for path in sorted(spec.files.keys() & by_name.keys()):
        fdp = descriptor_pb2.FileDescriptorProto()
        by_name[path].CopyToProto(fdp)
        if fdp.package != spec.files[path]:
            diffs.append(f"{path}: package {fdp.package!r}, WIRE.md says {spec.files[path]!r}")
        if fdp.syntax != "proto3":
            diffs.append(f"{path}: syntax {fdp.syntax!r}, expected 'proto3'")

    seen_messages: set[str] = set()
    seen_enums: set[str] = set()
    seen_services: set[str] = set()
    for fd in generated:
        seen_messages.update(d.full_name for d in fd.message_types_by_name.values())
        seen_enums.update(e.full_name for e in fd.enum_types_by_name.values())
        seen_services.update(s.full_name for s in fd.services_by_name.values())

    for name in sorted(spec.messages):
        try:
            message_desc = pool.FindMessageTypeByName(name)
        except KeyError:
            diffs.append(f"{name}: message missing")
            continue
        diffs.extend(_compare_message(spec, spec.messages[name], message_desc))
    for name in sorted(seen_messages - spec.messages.keys()):
        diffs.append(f"{name}: extra message not in WIRE.md")

    for name in sorted(spec.enums):
        try:
            enum_desc = pool.FindEnumTypeByName(name)
        except KeyError:
            diffs.append(f"{name}: enum missing")
            continue
        diffs.extend(_compare_enum(spec.enums[name], enum_desc))
    for name in sorted(seen_enums - spec.enums.keys()):
        diffs.append(f"{name}: extra enum not in WIRE.md")

    for name in sorted(spec.services):
        try:
            service_desc = pool.FindServiceByName(name)
        except KeyError:
            diffs.append(f"{name}: service missing")
            continue
        diffs.extend(_compare_service(name, spec.services[name], service_desc))
    for name in sorted(seen_services - spec.services.keys()):
        diffs.append(f"{name}: extra service not in WIRE.md")
    return diffs


def load_spec(wire_path: Path, additions_path: Path | None = DEFAULT_ADDITIONS) -> WireSpec:
    """The reference at ``wire_path`` with our additions (if the file exists) merged in."""
    spec = parse_wire(wire_path.read_text(encoding="utf-8"))
    if additions_path is not None and additions_path.is_file():
        text = additions_path.read_text(encoding="utf-8")
        merge_additions(spec, parse_wire(text, additions_path.name), additions_path.name)
    return spec


def check(
    wire_path: Path = DEFAULT_WIRE,
    src_dir: Path = DEFAULT_SRC,
    additions_path: Path | None = DEFAULT_ADDITIONS,
) -> list[str]:
    """Parse ``wire_path`` (plus additions), import the modules under ``src_dir``; differences."""
    spec = load_spec(wire_path, additions_path)
    generated = import_generated(src_dir)
    return compare(spec, generated, descriptor_pool.Default())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: print differences, exit 1 if there are any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--wire", type=Path, default=DEFAULT_WIRE, help="path to WIRE.md")
    parser.add_argument(
        "--src", type=Path, default=DEFAULT_SRC, help="directory containing ourchat/_pb"
    )
    parser.add_argument(
        "--additions", type=Path, default=DEFAULT_ADDITIONS, help="our additions (ADDITIONS.md)"
    )
    args = parser.parse_args(argv)
    spec = load_spec(args.wire, args.additions)
    diffs = compare(spec, import_generated(args.src.resolve()), descriptor_pool.Default())
    for diff in diffs:
        print(diff)
    counts = (
        f"{len(spec.files)} files, {len(spec.messages)} messages, "
        f"{sum(len(m.fields) for m in spec.messages.values())} fields, {len(spec.enums)} enums, "
        f"{len(spec.services)} services, {sum(len(m) for m in spec.services.values())} methods"
    )
    print(f"checked {counts}: {len(diffs)} difference(s)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())

"""The SDK's public surface: ``__all__`` lists exactly the public names of ``ourchat.client``."""

from __future__ import annotations

import inspect

import ourchat.client as sdk

# Bound by ``from __future__ import annotations``; not part of the API.
_NOT_API = {"annotations"}


def test_all_lists_every_public_name_and_nothing_else() -> None:
    public = {name for name in vars(sdk) if not name.startswith("_")} - _NOT_API
    assert sorted(sdk.__all__) == sorted(public)
    assert len(sdk.__all__) == len(set(sdk.__all__))


def test_every_export_resolves_and_is_documented() -> None:
    for name in sdk.__all__:
        value = getattr(sdk, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name} has no docstring"
            assert value.__module__.startswith("ourchat."), name


def test_private_modules_stay_private() -> None:
    modules = {name for name, value in vars(sdk).items() if inspect.ismodule(value)}
    assert all(name.startswith("_") for name in modules), modules


def test_every_public_client_method_is_documented() -> None:
    for name, member in inspect.getmembers(sdk.OurChatClient):
        if not name.startswith("_") and callable(member):
            assert inspect.getdoc(member), f"OurChatClient.{name} has no docstring"

"""Named worlds: data built once per test worker, saved as a template, cloned into each test.

A world is whatever its builder returns (a dataclass such as tests/permission_world.World, a
dict ...) holding ORM objects. It is built once, in the worker's database, and "frozen": every
ORM object in it is replaced by its class and primary key. Each test that asks for the world
gets a copy of the saved database and the world "thawed" from it: the same objects, loaded by
key into the test's own session.

Declare a world as a fixture with ``world_fixture`` (the fixture's name, the template's name
and the builder); a test that names the fixture starts on a copy of that world instead of the
empty database. ``Worlds.clone`` is also there for a test that must return to the world's
starting point part-way through (the permission matrix does, before each allowed write).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import DeclarativeBase

from plc.extensions import db

# The fixtures that start a test on a world: the database fixture leaves their tests to them.
WORLD_FIXTURES: set[str] = set()


@dataclass(frozen=True)
class _Ref:
    model: type
    key: tuple


@dataclass(frozen=True)
class _Frozen:
    cls: type
    fields: dict


def freeze(value: Any) -> Any:
    """``value`` with every ORM object in it replaced by a reference to its row."""
    if isinstance(value, DeclarativeBase) or hasattr(value, "__mapper__"):
        key = inspect(value).identity
        assert key is not None, f"{value!r} was never flushed: a world must be committed"
        return _Ref(type(value), key)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _Frozen(type(value), {f.name: freeze(getattr(value, f.name))
                                     for f in dataclasses.fields(value) if f.init})
    if isinstance(value, dict):
        return {k: freeze(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of ``freeze``, in the current session: the rows of each model are read in
    one statement (a world holds dozens of objects of a dozen models, and a test clones one
    for almost every test), then each object is taken from the session's identity map."""
    loaded = _load_by_model(_refs(value))  # held here: the identity map keeps weak references
    thawed = _thaw(value)
    del loaded
    return thawed


def _refs(value: Any) -> list[_Ref]:
    if isinstance(value, _Ref):
        return [value]
    if isinstance(value, _Frozen):
        value = value.fields
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [ref for v in value for ref in _refs(v)]
    return []


def _load_by_model(refs: list[_Ref]) -> list:
    keys_by_model: dict[type, set] = {}
    for ref in refs:
        keys_by_model.setdefault(ref.model, set()).add(ref.key)
    loaded = []
    for model, keys in keys_by_model.items():
        primary_key = inspect(model).primary_key
        if len(primary_key) == 1:  # others are read one by one by _thaw
            ids = sorted(key[0] for key in keys)
            loaded += db.session.execute(
                select(model).where(primary_key[0].in_(ids))).scalars().unique().all()
    return loaded


def _thaw(value: Any) -> Any:
    if isinstance(value, _Ref):
        row = db.session.get(value.model, value.key)
        assert row is not None, f"{value.model.__name__} {value.key} is not in this database"
        return row
    if isinstance(value, _Frozen):
        return value.cls(**{name: _thaw(v) for name, v in value.fields.items()})
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_thaw(v) for v in value)
    return value


@dataclass(frozen=True)
class Spec:
    """How to make a world: ``build()`` on the empty database, or ``build(world)`` on a copy
    of ``base``'s world; saved under ``template``."""

    template: str
    build: Callable[..., Any]
    base: Spec | None = None


class Worlds:
    """This worker's worlds: built on first use, then only copied."""

    def __init__(self, database):
        self.database = database
        self._frozen: dict[str, Any] = {}

    def clone(self, spec: Spec):
        """Reset the test database to ``spec``'s template and return its world."""
        if spec.template not in self._frozen:
            self._frozen[spec.template] = self._build(spec)
        self._disconnect()
        self.database.reset(spec.template)
        return thaw(self._frozen[spec.template])

    def reset_empty(self) -> None:
        self._disconnect()
        self.database.reset("empty")

    def _build(self, spec: Spec):
        if spec.base is None:
            self.reset_empty()
            world = spec.build()
        else:
            world = spec.build(self.clone(spec.base))
        db.session.commit()
        frozen = freeze(world)
        self._disconnect()
        self.database.save_as(spec.template)
        return frozen

    @staticmethod
    def _disconnect() -> None:
        db.session.remove()
        db.engine.dispose()


def world_fixture(name: str, spec: Spec):
    """A fixture called ``name`` that starts its tests on a copy of ``spec``'s world. Assign
    it to a module-level name in a conftest or test module."""
    WORLD_FIXTURES.add(name)

    @pytest.fixture(name=name)
    def fixture(app, worlds):
        return worlds.clone(spec)

    return fixture

"""Every form handles hostile text the same way (plc/formtools.py): NUL and other control
characters dropped, one-line fields kept on one line, 100,000 characters refused with an
error next to the field, never a raw NUL stored, never a 500 (PostgreSQL refuses NUL in
text, so the end-to-end half means most on the PostgreSQL leg).

Two halves: every form class of plc/, field by field; then every form post of the
permission matrix, made by a role allowed to make it, with its text fields spoiled.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from sqlalchemy import String, Text, select
from werkzeug.datastructures import MultiDict
from wtforms import Form, PasswordField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField, HiddenField
from wtforms.validators import Length

import plc
from plc.extensions import db
from plc.formtools import CONTROL_CHARACTERS, BaseForm, PlainForm
from tests.permission_world import PERMISSION
from tests.security.valid_posts import (
    allowed_posts,
    allowed_role,
    missing_post_message,
    success_codes,
    valid_data,
)
from tests.test_permissions import client_as

LONG = 100_000
TOO_LONG_MESSAGE = "Use at most"


def form_classes() -> list[type]:
    """Every form class defined in plc/, whatever it derives from."""
    for module in pkgutil.walk_packages(plc.__path__, "plc."):
        importlib.import_module(module.name)
    found, pending = set(), [Form]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("plc.") and sub.__module__ != "plc.formtools":
                found.add(sub)
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


FORM_CLASSES = form_classes()


def make(form_class, formdata=None):
    return form_class(formdata=formdata, meta={"csrf": False})


def text_fields(form) -> list:
    """The form's own text fields (rows of a FieldList are forms of their own, tested so)."""
    return [f for f in form if isinstance(f, StringField)
            and not isinstance(f, (FieldList, FormField))]


def spoiled(form_class, value: str):
    names = [f.name for f in text_fields(make(form_class))]
    return make(form_class, MultiDict({name: value for name in names}))


def test_the_walk_finds_the_forms_of_every_area():
    modules = {c.__module__ for c in FORM_CLASSES}
    assert {"plc.accounts.forms", "plc.plans.forms", "plc.meetings.forms",
            "plc.programs.forms", "plc.api.forms", "plc.admin.forms"} <= modules
    assert len(FORM_CLASSES) >= 40


def test_every_form_class_is_built_on_the_house_base():
    strays = [c.__qualname__ for c in FORM_CLASSES if not issubclass(c, (BaseForm, PlainForm))]
    assert strays == []


@pytest.fixture
def form_context(app):
    with app.test_request_context(method="POST"):
        yield


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: c.__qualname__)
def test_control_characters_are_dropped_and_long_text_refused(form_context, form_class):
    form = spoiled(form_class, "  Ada\x00 Love\x07lace\x1b\x7f\r\nthe second\tline\x00 ")
    for field in text_fields(form):
        if isinstance(field, PasswordField):
            continue  # hashed, never stored, and kept exactly as typed
        if isinstance(field, (TextAreaField, HiddenField)):
            assert field.data == "Ada Lovelace\r\nthe second\tline", field.name
        else:
            assert field.data == "Ada Lovelace the second line", field.name
    for name, limit in length_limits(make(form_class)).items():
        assert limit is not None, f"{name} has no length limit"
        form = spoiled(form_class, "x" * max(LONG, limit + 1))
        form[name].validate(form)
        assert any(TOO_LONG_MESSAGE in e for e in form[name].errors), (name, form[name].errors)


def length_limits(form) -> dict[str, int | None]:
    """Each text field's longest accepted value (a roster file's can pass 100,000)."""
    return {field.name: min((v.max for v in field.validators
                             if isinstance(v, Length) and v.max >= 0), default=None)
            for field in text_fields(form)}


def test_a_password_keeps_its_spaces_but_not_its_length(form_context):
    from plc.accounts.forms import LoginForm

    form = make(LoginForm, MultiDict({"email": " ada@example.org\x00 ",
                                      "password": "  spaces count  "}))
    assert form.email.data == "ada@example.org"
    assert form.password.data == "  spaces count  "
    form = make(LoginForm, MultiDict({"email": "ada@example.org", "password": "p" * LONG}))
    assert not form.validate() and TOO_LONG_MESSAGE in form.password.errors[-1]


# --- end to end: every form post of the matrix -----------------------------------------------


def _text_field_names() -> frozenset[str]:
    """The names of every field people type text into: hidden fields (values the page put
    there; the first half covers them) and passwords (never stored) aside."""
    names = set()
    for form_class in FORM_CLASSES:
        for name, unbound in vars(form_class).items():
            if getattr(unbound, "_formfield", False) and issubclass(
                    unbound.field_class, StringField) and not issubclass(
                    unbound.field_class, (PasswordField, HiddenField)):
                names.add(name)
    return frozenset(names)


# The worksheet's per-competency fields are made by plc.assessments.forms.worksheet_form.
TEXT_FIELD_NAMES = _text_field_names() | {"strengths", "changes"}
# "focus_areas-0-steps-1-text" is the row field "text"; "strengths_12" is "strengths".
ROW_PREFIX, DYNAMIC_SUFFIX = re.compile(r"^.*-"), re.compile(r"_\d+$")
POSTS = allowed_posts()


def is_text(key: str) -> bool:
    base = ROW_PREFIX.sub("", key)
    return base in TEXT_FIELD_NAMES or DYNAMIC_SUFFIX.sub("", base) in TEXT_FIELD_NAMES


def spoil(data: dict, how) -> dict:
    """Every text value people wrote, spoiled; empty fields stay empty."""
    return {key: how(value) if isinstance(value, str) and value and is_text(key) else value
            for key, value in data.items()}


def stored_texts():
    """(table.column, value) for every text value the database holds."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str):
                    yield f"{table.name}.{column.name}", value


def post(app, world, case, how, **options):
    role = allowed_role(case)
    client = client_as(app, world, role)
    response = client.post(case.url(world), data=spoil(valid_data(case, world), how),
                           **options)
    assert response.status_code < 500, f"{role}: {response.status_code}"
    return role, response


def test_the_posts_carry_text(world):
    spoiled_posts = [c.id for c in POSTS if any(is_text(k) for k in valid_data(c, world))]
    assert len(spoiled_posts) >= 30


@pytest.mark.parametrize("case", POSTS, ids=lambda c: c.id)
def test_hostile_text_is_cleaned_or_refused_never_stored_raw(app, worlds, world, case):
    role, response = post(app, world, case, lambda v: v[:1] + "\x00\x07" + v[1:] + "\x1b\x00")
    assert response.status_code in success_codes(case), \
        missing_post_message(role, response.status_code)
    db.session.expire_all()
    assert [(place, value[:40]) for place, value in stored_texts()
            if CONTROL_CHARACTERS.search(value)] == []

    if any(is_text(key) for key in valid_data(case, world)):
        fresh = worlds.clone(PERMISSION)
        _role, response = post(app, fresh, case, lambda v: v + "y" * LONG,
                               follow_redirects=True)
        assert TOO_LONG_MESSAGE in response.text
        db.session.expire_all()
        assert [place for place, value in stored_texts() if "y" * LONG in value] == []

"""Every text a person reads is marked for translation (issue 15: the site is translatable
even where only English ships). Static checks, no app requests:

- templates: visible text, and the attributes a person reads or hears (aria-label, title,
  placeholder, alt, the value of a button input), stand inside ``_()`` or ``{% trans %}``;
  so do the strings a template hands to a macro or ``set``s (a button's label, a crumb);
- Python: ``flash()``, WTForms labels, descriptions and validator messages,
  ``ValidationError``, ``DomainError`` and the ``title=`` a view renders pass a gettext call
  (``_``, ``_l``, ``ngettext``...), never a bare string.

What is not text: user data (rendered through ``{{ }}``), rubric content from framework files,
CSV headers and the JSON API's field names (they stay English; docs/architecture.md,
"Texts and languages").
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "plc" / "templates"

# Directories whose texts are not marked yet (each a path relative to plc/templates/): none.
PENDING: tuple[str, ...] = ()

# Words that are the same in every language: the product's name and symbols.
NOT_WORDS = {"PLC", "API", "CSV", "XLSX", "JSON", "YAML", "OpenAPI", "iCalendar", "QR"}
READ_ATTRIBUTES = {"aria-label", "aria-description", "aria-roledescription", "title",
                   "placeholder", "alt"}
CODE_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp"}
# What a macro writes into a tag: an attribute, or a boolean one.
ATTRIBUTE = re.compile(r'^\s*([\w-]+="[^"]*"|autofocus|disabled|checked|selected|required'
                       r'|readonly|hidden|open|multiple)\s*$')
LETTER = re.compile(r"[^\W\d_]")
# ``word`` (plc/voice/words.py) is gettext of a respondent's text marked N_ in its table.
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext", "_l",
           "lazy_ngettext", "lazy_pgettext", "N_", "word"}


def _env() -> Environment:
    # Parsed, never rendered: autoescape does not matter here.
    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"], autoescape=True)
    env.install_null_translations(newstyle=True)
    return env


def _is_text(text: str) -> bool:
    words = [w for w in re.split(r"[\s·–—:()/,.|×+\-]+", text) if w]
    return any(LETTER.search(w) and w not in NOT_WORDS for w in words)


def _html_without_jinja(source: str, env: Environment) -> str:
    """The template's HTML with every Jinja construct replaced by a neutral mark ("¤", no
    letter): what is left is text the template writes as it is. A ``{% trans %}`` block
    counts as one construct, so its words are not left."""
    out: list[str] = []
    depth = 0  # inside {% trans %}...{% endtrans %}
    tag: list[str] = []  # the tokens of the block tag being read
    in_block = False
    for _line, kind, value in env.lex(source):
        if kind == "block_begin":
            in_block, tag = True, []
        elif kind == "block_end":
            in_block = False
            if tag and tag[0] == "trans":
                depth += 1
            elif tag and tag[0] == "endtrans":
                depth -= 1
            out.append("¤")
        elif in_block:
            if kind == "name":
                tag.append(value)
        elif kind == "data" and not depth:
            out.append(value)
        elif kind == "variable_begin":
            out.append("¤")
    return "".join(out)


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skipping: list[str] = []  # the elements whose text is not looked at

    def handle_starttag(self, tag, attrs):
        # Code, and what the page says is not to be translated (CSV column names).
        if tag in CODE_ELEMENTS or ("translate", "no") in attrs:
            self._skipping.append(tag)
        attributes = dict(attrs)
        for name, value in attrs:
            readable = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input"
                and attributes.get("type") in ("submit", "button", "reset"))
            if readable and value and _is_text(value):
                self.found.append(f'<{tag} {name}="{value}">')

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        # An attribute a block writes into its parent's tag (form_attrs) is no text.
        if not self._skipping and _is_text(data) and not ATTRIBUTE.match(data.replace("¤", "")):
            self.found.append(" ".join(data.split()))


# Expression strings that are not text: where they stand says so.
_CODE_ARGUMENTS = {"class_", "cls", "type", "name", "id", "endpoint", "filename", "fmt", "kind",
                   "icon", "variant", "style", "role", "method", "anchor", "autocomplete",
                   "inputmode", "level", "size", "format", "field", "key", "href", "target"}
_CODE_CALLS = {"url_for", "strftime", "get", "join", "format", "startswith", "endswith",
               "replace", "split", "attr", "selectattr", "rejectattr", "map", "groupby",
               "sort", "dictsort", "sum", "default", "update", "pop", "setdefault",
               "datetimeformat", "dateformat", "timeformat", "fromisoformat", "isoformat",
               "csrf_token", "getattr", "has_key"}
_TEXTLIKE = re.compile(r"[A-Z][a-z]|[a-z]{2,} [a-z]{2,}")


def _expression_texts(source: str, env: Environment) -> list[str]:
    """String constants in Jinja expressions that read like words (a capital then lower-case,
    or two words) and stand where text goes: a macro's argument, a ``set``, a list of
    crumbs. Comparisons, lookups, ``url_for`` and the like are code, not text."""
    found: list[str] = []

    def walk_values(node) -> None:
        """A value of a marked sentence: a word in it (``'you' if own else 'they'``) is text,
        unless it is marked itself."""
        if isinstance(node, nodes.Call) and _call_name(node.node) in GETTEXT:
            return
        if isinstance(node, nodes.Const):
            if isinstance(node.value, str) and LETTER.search(node.value) and not (
                    set(node.value) & set("-_./%")):
                found.append(node.value)
            return
        if isinstance(node, nodes.Compare | nodes.Getitem | nodes.Getattr):
            return
        if isinstance(node, nodes.Filter | nodes.Test):  # its arguments are code ('long')
            walk_values(node.node) if node.node is not None else None
            return
        if isinstance(node, nodes.Call) and _call_name(node.node) in _CODE_CALLS:
            walk_values(node.node)  # .replace('T', ' ') on a value
            return
        for child in node.iter_child_nodes():
            walk_values(child)

    def walk(node, code: bool) -> None:
        if isinstance(node, nodes.Const):
            if (not code and isinstance(node.value, str) and _TEXTLIKE.search(node.value)
                    and "%" not in node.value):
                found.append(node.value)
            return
        if isinstance(node, nodes.Call):
            name = _call_name(node.node)
            if name in GETTEXT:  # the message is marked; the values it takes may be text
                for kw in node.kwargs:
                    walk_values(kw.value)
                return
            walk(node.node, True)
            for arg in node.args:
                walk(arg, code or name in _CODE_CALLS)
            for kw in node.kwargs:
                walk(kw.value, code or name in _CODE_CALLS or kw.key in _CODE_ARGUMENTS)
            return
        if isinstance(node, nodes.Filter | nodes.Test):
            walk(node.node, code) if node.node is not None else None
            for arg in node.args:
                walk(arg, True)
            for kw in node.kwargs:
                walk(kw.value, True)
            return
        if isinstance(node, nodes.Compare | nodes.Getitem | nodes.Getattr | nodes.Test):
            for child in node.iter_child_nodes():
                walk(child, True)
            return
        if isinstance(node, nodes.Pair):  # a dict's key is code; its value may be text
            walk(node.key, True)
            walk(node.value, code)
            return
        if isinstance(node, nodes.Macro | nodes.CallBlock):  # a default is shown text too
            for child in node.iter_child_nodes():
                walk(child, code)
            return
        if isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            return
        if isinstance(node, nodes.If):
            walk(node.test, True)
            for child in node.body + node.elif_ + node.else_:
                walk(child, code)
            return
        for child in node.iter_child_nodes():
            walk(child, code)

    walk(env.parse(source), False)
    return found


def _call_name(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return node.attr
    return ""


def unmarked_in_template(source: str) -> list[str]:
    env = _env()
    finder = _TextFinder()
    finder.feed(_html_without_jinja(source, env))
    finder.close()
    return finder.found + [f"{{{{ '{text}' }}}}" for text in _expression_texts(source, env)]


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))


def _pending(path: Path) -> bool:
    return str(path.relative_to(TEMPLATES)).startswith(PENDING)


@pytest.mark.parametrize("path", [p for p in _templates() if not _pending(p)],
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_texts_are_marked(path):
    assert unmarked_in_template(path.read_text()) == []


@pytest.mark.parametrize("path", [p for p in _templates() if not _pending(p)],
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_hides_gettext(path):
    """``{% set _ = list.append(x) %}`` would shadow ``_()`` for the rest of its scope."""
    assert not re.search(r"{%-?\s*set\s+_\s*=", path.read_text())


def test_the_check_sees_what_is_unmarked():
    source = """{% extends "base.html" %}{% from "_macros/programs.html" import post_button %}
<h1>Plans</h1><p>{{ _('Marked') }} {% trans n=3 %}{{ n }} marked{% endtrans %}</p>
<button aria-label="Close this">{{ user.name }}</button><input type="submit" value="Send">
<p>{{ plan.title }} · {{ count }}</p><script>var x = "not text";</script>
{{ post_button(url_for('plans.remove', id=1), 'Remove step', cls='btn btn-sm') }}
{% if kind == 'Draft' %}{% set label = "Open plan" %}{% endif %}"""
    assert unmarked_in_template(source) == [
        "Plans", '<button aria-label="Close this">', '<input value="Send">',
        "{{ 'Remove step' }}", "{{ 'Open plan' }}"]


def test_pending_is_only_what_other_branches_still_mark():
    """Once a pending directory is marked, it leaves PENDING (and is checked from then on)."""
    still = [d for d in PENDING
             if any(unmarked_in_template(p.read_text()) for p in _templates()
                    if str(p.relative_to(TEMPLATES)).startswith(d))]
    assert list(PENDING) == still


# -- Python ----------------------------------------------------------------------------------

# As PENDING, for the Python of plc/.
PYTHON_PENDING: tuple[str, ...] = ()
FIELD = re.compile(r"^[A-Z]\w*Field$")
# The arguments that carry a message, per callable (None: the first positional one).
MESSAGE_ARGUMENTS = {"flash": 0, "ValidationError": 0, "DomainError": 0, "YearClosed": 0}


def _has_bare_text(node: ast.AST) -> bool:
    """A string literal with words, or an f-string, not inside a gettext call."""
    if isinstance(node, ast.Call) and _py_name(node.func) in GETTEXT:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and _is_text(node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Subscript):  # a key is code: row["label"]
        return _has_bare_text(node.value)
    return any(_has_bare_text(child) for child in ast.iter_child_nodes(node))


def _constant(node: ast.AST) -> bool:
    """A literal or an UPPER_CASE name. A lazy text is markup-safe to Jinja and WTForms
    (LazyString.__html__): a person's words inside one would not be escaped, so it takes
    constants only; a text with a person's words is made with gettext at request time."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Name) and node.id.isupper()


def _py_name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def unmarked_in_python(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _py_name(node.func)
        texts: list[ast.AST] = []
        if name in MESSAGE_ARGUMENTS and node.args:
            texts.append(node.args[MESSAGE_ARGUMENTS[name]])
        if FIELD.match(name) and node.args:
            texts.append(node.args[0])
        texts += [kw.value for kw in node.keywords
                  if kw.arg in ("label", "description", "message")
                  or (kw.arg == "title" and name == "render_template")]
        found += [(t.lineno, f"line {t.lineno}: {ast.unparse(t)[:70]}") for t in texts
                  if _has_bare_text(t)]
        if name in ("_l", "lazy_gettext") and not all(_constant(kw.value) for kw in node.keywords):
            found.append((node.lineno, f"line {node.lineno}: a value in a lazy text"))
    return [text for _line, text in sorted(found)]


def _python_files() -> list[Path]:
    return [p for p in sorted((ROOT / "plc").rglob("*.py"))
            if not str(p.relative_to(ROOT)).startswith(PYTHON_PENDING)]


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_messages_pass_gettext(path):
    assert unmarked_in_python(path.read_text()) == []


def test_the_python_check_sees_a_bare_message():
    source = '''
flash("Saved.")
flash(_("Saved."), "info")
flash(f"Saved {n}.")
name = StringField("Name", validators=[Length(max=3, message="Too long")])
title = StringField(_l("Title"), description=_l("A title"))
render_template("x.html", title="Plans")
raise DomainError(_("No %(x)s", x=1), field="title")
label = SelectField(_l("Status of %(text)s", text=step.text))
short = Length(min=MIN, message=_l("At least %(n)s.", n=MIN))
'''
    assert [f.split(":")[0] for f in unmarked_in_python(source)] == [
        "line 2", "line 4", "line 5", "line 5", "line 7", "line 9"]


def test_python_pending_is_only_what_other_branches_still_mark():
    still = [d for d in PYTHON_PENDING
             if any(unmarked_in_python(p.read_text()) for p in sorted((ROOT / d).rglob("*.py")))]
    assert list(PYTHON_PENDING) == still


def test_the_catalog_extraction_finds_every_kind_of_mark():
    """What make catalogs-update runs (babel.cfg, -k N_ -k _l) sees template texts, plurals,
    lazy form labels and N_ constants."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None,
                "_l": None, "N_": None}
    found = {message if isinstance(message, str) else message[0]
             for _file, _line, message, _comments, _context in extract_from_dir(
                 ROOT / "plc", method_map, options_map, keywords=keywords)}
    assert {"Sign out", "%(num)d member selected.", "Keep me signed in on this device",
            "No plan", "%(count)s user, page %(page)s of %(pages)s"} <= found

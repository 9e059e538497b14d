"""flask plc import-framework and export-framework."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from plc.extensions import db
from plc.rubrics import schema
from plc.rubrics.models import Framework


def run(app, *args):
    return app.test_cli_runner().invoke(args=["plc", *args])


def framework_count() -> int:
    db.session.commit()  # end the test's transaction to see the command's writes
    return db.session.scalar(select(func.count()).select_from(Framework))


def test_import_prints_the_outcome(app, small, tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(schema.dump(small, "yaml"), encoding="utf-8")
    result = run(app, "import-framework", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported Small framework (version 1)." in result.output
    again = run(app, "import-framework", str(path))
    assert "nothing changed" in again.output
    assert framework_count() == 1


def test_an_invalid_file_exits_non_zero_with_the_errors_and_saves_nothing(app, small, tmp_path):
    small["competencies"][1]["levels"][5] = ["Beyond."]
    small["levels"][1]["label"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(small), encoding="utf-8")
    result = run(app, "import-framework", str(path))
    assert result.exit_code != 0
    assert "competencies[1].levels: level 5 not defined" in result.output
    assert "levels[1].label: required" in result.output
    assert framework_count() == 0


def test_an_unreadable_file_exits_non_zero(app, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("key: [unclosed", encoding="utf-8")
    result = run(app, "import-framework", str(path))
    assert result.exit_code != 0 and "not valid YAML" in result.output


def test_export_gives_back_what_was_imported(app, small, tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(schema.dump(small, "yaml"), encoding="utf-8")
    run(app, "import-framework", str(path))
    as_yaml = run(app, "export-framework", "small")
    as_json = run(app, "export-framework", "small", "--version", "1", "--format", "json")
    assert as_yaml.exit_code == 0 and as_json.exit_code == 0
    assert as_yaml.output == schema.dump(schema.normalize(small), "yaml")
    assert schema.normalize(json.loads(as_json.output)) == schema.normalize(small)


def test_export_of_an_unknown_framework_fails(app):
    assert run(app, "export-framework", "nothing").exit_code != 0
    assert run(app, "export-framework", "nothing", "--version", "2").exit_code != 0

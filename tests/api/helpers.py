"""Bearer-token clients and validation against the served OpenAPI document."""

from __future__ import annotations

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from plc.api import services
from plc.extensions import db

OPENAPI_URL = "/api/v1/openapi.json"


def make_token(user, name: str = "Test token") -> str:
    secret, _token = services.create_token(user, name)
    db.session.commit()
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


class Schemas:
    """Validates a response against the schema the served document gives for its path."""

    def __init__(self, client):
        response = client.get(OPENAPI_URL)
        assert response.status_code == 200
        self.document = response.get_json()
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource("openapi.json", resource)

    def schema_for(self, path: str, status: int) -> dict:
        operation = self.document["paths"][path]["get"]
        return operation["responses"][str(status)]["content"]["application/json"]["schema"]

    def validate(self, path: str, response) -> dict:
        """``path`` is the document's templated path, e.g. /me or /cohorts/{cohort_id}/..."""
        return self._validate(self.schema_for(path, response.status_code)["$ref"], response)

    def validate_error(self, response) -> dict:
        """An answer no operation describes (a path or a method the API has not): the Error
        schema the document gives every error."""
        return self._validate("#/components/schemas/Error", response)

    def _validate(self, ref: str, response) -> dict:
        assert response.mimetype == "application/json", response.data[:200]
        body = response.get_json()
        validator = jsonschema.Draft202012Validator(
            {"$ref": "openapi.json" + ref}, registry=self.registry,
            format_checker=jsonschema.FormatChecker())
        validator.validate(body)
        return body

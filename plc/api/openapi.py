"""The API's OpenAPI 3.1 description, written by hand: it is short, and the tests validate
every response of every endpoint against the schemas below."""

from __future__ import annotations

from plc.routing import LARGEST_ID

INTEGER = {"type": "integer", "minimum": 0}
NULLABLE_NUMBER = {"type": ["number", "null"], "minimum": 0}
NULLABLE_PERCENT = {"type": ["integer", "null"], "minimum": 0, "maximum": 100}
NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "required": sorted(properties),
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


SCHEMAS = {
    "Error": _object({"error": {"type": "string"}}),
    "ProgramRef": _object({
        "id": {"type": "integer"}, "name": {"type": "string"},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "time_zone": {"type": "string"},
        "participation_url": {"type": "string"},
    }),
    "CohortRef": _object({
        "id": {"type": "integer"}, "name": {"type": "string"},
        "program_id": {"type": "integer"}, "participation_url": {"type": "string"},
    }),
    "Me": _object({
        "user": _object({"id": {"type": "integer"}, "name": {"type": "string"},
                         "email": {"type": "string"}}),
        "token": _object({"id": {"type": "integer"}, "name": {"type": "string"},
                          "created_at": {"type": "string", "format": "date-time"}}),
        "programs": {"type": "array", "items": _ref("ProgramRef"),
                     "description": "Programmes whose participation this token reads (you lead "
                                    "them)."},
        "cohorts": {"type": "array", "items": _ref("CohortRef"),
                    "description": "Cohorts whose member-by-member participation this token "
                                   "reads (you facilitate them, or lead their programme)."},
    }),
    "Totals": _object({
        "id": {"type": ["integer", "null"],
               "description": "The cohort's or district's id; null for the whole programme "
                              "and for members with no district recorded."},
        "name": {"type": "string"},
        "members": INTEGER, "active_this_month": INTEGER, "plans_shared": INTEGER,
        "progress_updates": INTEGER, "updates_per_month": NULLABLE_NUMBER,
        "meetings_held": INTEGER, "meetings_attended": INTEGER,
        "attendance_percent": NULLABLE_PERCENT, "comments": INTEGER,
        "comments_per_member": NULLABLE_NUMBER,
    }, "Counts over members (someone in two cohorts counts in each), as on the programme "
       "dashboard."),
    "Month": _object({
        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "active_members": INTEGER, "progress_updates": INTEGER, "comments": INTEGER,
        "comments_per_member": NULLABLE_NUMBER, "self_assessments_submitted": INTEGER,
        "meetings_held": INTEGER, "meetings_attended": INTEGER,
        "attendance_percent": NULLABLE_PERCENT,
    }),
    "ProgramParticipation": _object({
        "program": _ref("ProgramRef"),
        "active_since": {"type": "string", "format": "date-time",
                         "description": "Start of this month: \"active\" counts from here."},
        "months_so_far": INTEGER,
        "by_cohort": {"type": "array", "items": _ref("Totals")},
        "by_district": {"type": "array", "items": _ref("Totals")},
        "total": _ref("Totals"),
        "by_month": {"type": "array", "items": _ref("Month")},
    }),
    "Member": _object({
        "user_id": {"type": "integer"}, "name": {"type": "string"},
        "organization": {"type": ["string", "null"]}, "district": {"type": ["string", "null"]},
        "plan_status": {"enum": ["none", "draft", "shared_with_cohort", "facilitators_only"]},
        "plan_shared_at": NULLABLE_MOMENT,
        "progress_updates": INTEGER, "last_update_at": NULLABLE_MOMENT,
        "active_this_month": {"type": "boolean"},
        "self_assessments_submitted": INTEGER,
        "meetings_held": INTEGER, "meetings_attended": INTEGER,
        "attendance_percent": NULLABLE_PERCENT,
        "comments_given": INTEGER, "comments_received": INTEGER,
    }, "One member's participation: plan status and dates and counts; never plan text, "
       "comment text or ratings."),
    "CohortParticipation": _object({
        "cohort": _ref("CohortRef"),
        "program": _ref("ProgramRef"),
        "active_since": {"type": "string", "format": "date-time"},
        "members": {"type": "array", "items": _ref("Member")},
    }),
}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref(schema_name)}}}


def _error(description: str, headers: dict[str, str] | None = None) -> dict:
    response = _json("Error", description)
    if headers:
        response["headers"] = {name: {"description": text, "required": True,
                                      "schema": {"type": "string"}}
                               for name, text in headers.items()}
    return response


# Every error, whatever its status, has the Error body (plc/errors.py answers them all).
ERRORS = {
    "401": _error("No token, or a token that is unknown, revoked or whose owner's account is "
                  "deactivated.", {"WWW-Authenticate": "The bearer challenge."}),
    "404": _error("No such object, one the token's owner may not see, or an id that is not a "
                  f"whole number from 1 to {LARGEST_ID}."),
    "500": _error("The server failed; the API changes nothing, so the request can be retried."),
}
# Not an operation's: the answer to a method that no operation of the path lists.
METHOD_NOT_ALLOWED = _error("This path has no operation for the method.",
                            {"Allow": "The methods the path has."})


def _responses(ok: dict, *errors: str) -> dict:
    return {"200": ok, **{status: ERRORS[status] for status in errors}}


def _id_parameter(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": f"The {what}'s id.",
            "schema": {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}}


def document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PLC participation API",
            "version": "1",
            "description": "Read-only participation figures of the PLC dashboards, for the "
                           "same people: program leads read their programmes and cohorts, "
                           "facilitators their cohorts. Make a personal token on the "
                           "API tokens page and send it as `Authorization: Bearer <token>`. "
                           "Every error answers with the Error body and its status: a path "
                           "not described here 404, a method its path has no operation for "
                           "405 with an `Allow` header (components/responses).",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": {
            "/me": {"get": {
                "operationId": "me", "summary": "Who the token belongs to and what it reads",
                "responses": _responses(_json("Me", "The token's owner."), "401", "500"),
            }},
            "/programs/{program_id}/participation": {"get": {
                "operationId": "programParticipation",
                "summary": "A programme's participation by cohort, by district and by month",
                "description": "For the programme's leads.",
                "parameters": [_id_parameter("program_id", "programme")],
                "responses": _responses(_json("ProgramParticipation", "The figures."),
                                        "401", "404", "500"),
            }},
            "/cohorts/{cohort_id}/participation": {"get": {
                "operationId": "cohortParticipation",
                "summary": "A cohort's participation, member by member",
                "description": "For the cohort's facilitators and the programme's leads.",
                "parameters": [_id_parameter("cohort_id", "cohort")],
                "responses": _responses(_json("CohortParticipation", "The figures."),
                                        "401", "404", "500"),
            }},
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This description", "security": [],
                "responses": _responses({"description": "OpenAPI 3.1 document.",
                                         "content": {"application/json": {}}}, "500"),
            }},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A personal API token."}},
            "schemas": SCHEMAS,
            "responses": {"MethodNotAllowed": METHOD_NOT_ALLOWED},
        },
    }

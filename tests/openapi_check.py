"""Checks kling-mock's OpenAPI document with standard tools (used by tests/e2e/openapi.rs).

Input: one JSON file {"document": ..., "requests": [...], "answers": [...]}.
  - the document must pass openapi-spec-validator (OpenAPI 3.1);
  - each request {"label", "schema": "#/components/...", "instance", "valid"} must (not)
    validate against that schema;
  - each answer {"method", "path" (template), "status", "body"} must validate against the
    schema the document gives for that operation and status.
Exits 1 and lists every mismatch otherwise.
"""

import json
import sys

import jsonschema
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:kling-mock:openapi"


def main(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    document = data["document"]
    validate(document)
    print("document: valid OpenAPI 3.1")

    registry = Registry().with_resource(BASE, Resource.from_contents(document, DRAFT202012))

    def validator(pointer):
        return jsonschema.Draft202012Validator({"$ref": BASE + pointer}, registry=registry)

    def escape(segment):
        return segment.replace("~", "~0").replace("/", "~1")

    failures = []
    for req in data["requests"]:
        errors = list(validator(req["schema"]).iter_errors(req["instance"]))
        if req["valid"] and errors:
            failures.append(f"request {req['label']}: accepted by the emulator, rejected by the schema: {errors[0].message}")
        if not req["valid"] and not errors:
            failures.append(f"request {req['label']}: rejected by the emulator, accepted by the schema")

    for answer in data["answers"]:
        where = f"{answer['method'].upper()} {answer['path']} {answer['status']}"
        pointer = "#/paths/" + escape(answer["path"]) + "/" + answer["method"] + "/responses/" + str(answer["status"])
        response = document["paths"].get(answer["path"], {}).get(answer["method"], {}).get("responses", {}).get(str(answer["status"]))
        if response is None:
            failures.append(f"answer {where}: status not documented")
            continue
        if "$ref" in response:
            pointer = response["$ref"]
        errors = list(validator(pointer + "/content/application~1json/schema").iter_errors(answer["body"]))
        if errors:
            failures.append(f"answer {where}: {errors[0].message} at {list(errors[0].absolute_path)}")

    for failure in failures:
        print(failure)
    checks = len(data["requests"]) + len(data["answers"])
    print(f"{len(data['requests'])} requests and {len(data['answers'])} answers checked: {checks - len(failures)} matched, {len(failures)} did not")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

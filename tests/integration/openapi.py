"""Validates HTTP answers against doc/openapi.yaml (support.http calls it on
every response it returns, so no test can receive an answer the document
does not describe).

For a request (method, path as sent) and its response it finds the
operation (the path template whose segments match, the method), then the
response object of the status, and checks:

- the status is one the operation lists;
- every header the response object declares required is there, and every
  declared header that is there matches its schema;
- the body: JSON of the declared media type, valid against the schema
  (JSON Schema Draft 2020-12, python3-jsonschema); none where the response
  object declares no content, and none for HEAD.

A path that no template matches is validated against
components/responses/NotFound (the document says any other path is 404), a
method that OpenAPI cannot name (PROPFIND, ...) against
components/responses/MethodNotAllowed.
"""

import json
import os
import re

import jsonschema
import yaml

DOC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "doc",
                        "openapi.yaml")
OPENAPI_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_doc = None
_resolver = None
_routes = None


def _load():
    global _doc, _resolver, _routes
    if _doc is not None:
        return
    with open(DOC_PATH) as f:
        _doc = yaml.safe_load(f)
    _resolver = jsonschema.RefResolver.from_schema(_doc, id_of=lambda _: "")
    _routes = []
    for template, item in _doc["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        _routes.append((re.compile(pattern + r"\Z"), template, item))


def _deref(obj):
    while isinstance(obj, dict) and "$ref" in obj and len(obj) == 1:
        _, obj = _resolver.resolve(obj["$ref"])
    return obj


_validators = {}


def _check(instance, schema, what):
    # Schemas are parts of the loaded document, alive as long as it is.
    validator = _validators.get(id(schema))
    if validator is None:
        validator = jsonschema.Draft202012Validator(schema, resolver=_resolver,
                                                    format_checker=jsonschema.FormatChecker())
        _validators[id(schema)] = validator
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                 for e in errors[:10]]
        return [f"{what} does not match the document:"] + lines
    return []


def _header_value(raw, schema):
    """A header's text as the JSON value its schema describes."""
    types = schema.get("type")
    if types == "integer" and re.fullmatch(r"[0-9]+", raw):
        return int(raw)
    return raw


def response_object(method, path):
    """(where, responses) for a request: the operation's responses by status."""
    _load()
    bare = path.split("?", 1)[0]
    m = method.lower()
    if m not in OPENAPI_METHODS:
        return (f"{method} (not an OpenAPI method)",
                {"405": {"$ref": "#/components/responses/MethodNotAllowed"}})
    for rx, template, item in _routes:
        if rx.match(bare):
            op = item.get(m)
            if op is None:
                return f"{method} {template}", {}
            return f"{method} {template}", op["responses"]
    return (f"{method} {bare} (no path of the document)",
            {"404": {"$ref": "#/components/responses/NotFound"}})


def problems(method, path, status, headers, body):
    """Everything in the response the document does not allow (a list of
    lines, empty when it conforms).  headers: [(name, value)]."""
    where, responses = response_object(method, path)
    resp = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") \
        or responses.get("default")
    if resp is None:
        return [f"{where}: status {status} is not in the document "
                f"(it lists {', '.join(sorted(responses)) or 'none'})"]
    resp = _deref(resp)
    out = []
    present = {}
    for k, v in headers:
        present.setdefault(k.lower(), []).append(v)
    for name, h in (resp.get("headers") or {}).items():
        h = _deref(h)
        values = present.get(name.lower(), [])
        if not values:
            if h.get("required"):
                out.append(f"{where} {status}: header {name} is missing")
            continue
        if len(values) > 1:
            out.append(f"{where} {status}: header {name} sent {len(values)} times")
        out += _check(_header_value(values[0], h["schema"]), h["schema"],
                      f"{where} {status}: header {name}: {values[0]!r}")
    content = resp.get("content") or {}
    ctype = (present.get("content-type") or [None])[0]
    if method.upper() == "HEAD" or not content:
        if body:
            out.append(f"{where} {status}: a body ({len(body)} bytes) where the document has none")
        return out
    media = ctype.split(";", 1)[0].strip().lower() if ctype else None
    if media not in content:
        return out + [f"{where} {status}: Content-Type {ctype!r}, the document has "
                      f"{', '.join(content)}"]
    try:
        instance = json.loads(body.decode("utf-8"))
    except ValueError as e:
        return out + [f"{where} {status}: the body is not JSON ({e})"]
    return out + _check(instance, content[media]["schema"], f"{where} {status}: the body")

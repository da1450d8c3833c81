"""OpenAPI for routes that read their body themselves (JSON, to answer in HeyGen's error shapes; multipart, to bound
it): each names its wire model with `body(...)` or its file with `multipart_file(...)`, and `install` puts the
models' JSON Schemas into the served description."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

_MODELS: dict[str, Any] = {}
REF = "#/components/schemas/{model}"


def body(model: Any, name: str | None = None) -> dict:
    """`openapi_extra` documenting the request body as `model` (a pydantic model or an annotated union)."""
    name = name or model.__name__
    _MODELS[name] = model
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}}


def multipart_file(field: str = "file") -> dict:
    """`openapi_extra` documenting a multipart body carrying one file in `field` (for routes that read their form
    themselves, to bound it: api/inputs.py bounded_form)."""
    schema = {"type": "object", "properties": {field: {"type": "string", "format": "binary"}}, "required": [field]}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}


def install(app: FastAPI) -> None:
    def build() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for name, model in _MODELS.items():
                model_schema = TypeAdapter(model).json_schema(ref_template=REF)
                components.update(model_schema.pop("$defs", {}))
                components[name] = model_schema
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = build

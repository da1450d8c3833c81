"""Brand glossaries: terms and how to say them ("SQL" -> "sequel"), applied to every script of every video
accepted afterwards; captions keep the script as written (render/speech/glossary.py)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from avatarstudio.api import envelopes
from avatarstudio.api.auth import Key
from avatarstudio.api.inputs import Limit, json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.store.glossaries import Glossaries
from avatarstudio.store.models import BrandGlossary, new_id
from avatarstudio.wire.common import parse
from avatarstudio.wire.glossaries import CreateGlossary

router = APIRouter()


def _view(record: BrandGlossary) -> dict:
    return {"id": record.id, "name": record.name, "terms": record.terms, "created_at": int(record.created_at)}


@router.post("/v3/brand-glossaries", summary="Add a pronunciation glossary (applies to videos accepted from now on)",
             openapi_extra=body(CreateGlossary))
async def create(request: Request, key_id: Key) -> dict:
    parsed = parse(CreateGlossary, (await json_body(request))[1])
    record = Glossaries(runtime_of(request).db).add(BrandGlossary(
        id=new_id(), name=parsed.name, terms=[term.model_dump() for term in parsed.terms]))
    return envelopes.v3(_view(record))


@router.get("/v3/brand-glossaries", summary="List pronunciation glossaries, newest first")
def list_glossaries(request: Request, key_id: Key, limit: Limit = 20,
                    token: str | None = None) -> dict:
    page = Glossaries(runtime_of(request).db).page(token, limit)
    return envelopes.v3_page([_view(record) for record in page.items], page.has_more, page.next_token)


@router.get("/v3/brand-glossaries/{glossary_id}", summary="One pronunciation glossary")
def get_glossary(request: Request, key_id: Key, glossary_id: str) -> dict:
    return envelopes.v3(_view(Glossaries(runtime_of(request).db).require(glossary_id)))


@router.delete("/v3/brand-glossaries/{glossary_id}", summary="Delete a glossary (videos already accepted keep it)")
def delete_glossary(request: Request, key_id: Key, glossary_id: str) -> dict:
    Glossaries(runtime_of(request).db).delete(glossary_id)
    return envelopes.v3({"id": glossary_id, "deleted": True})

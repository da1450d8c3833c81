"""The repositories' shared contract over a temporary SQLite database: paging, the not-found lookup, and that no
module outside store/ reaches the database itself."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from avatarstudio.runtime import Runtime
from avatarstudio.store.folders import Folders
from avatarstudio.store.models import Folder
from avatarstudio.store.paging import page_of_list
from avatarstudio.store.repository import NotFound

SOURCE = Path(__file__).resolve().parents[2] / "src" / "avatarstudio"


def test_pages_walk_a_query_without_gaps_or_overlap(runtime: Runtime) -> None:
    folders = Folders(runtime.db)
    made = [folders.add(Folder(name=f"f{n}", created_at=float(n))).id for n in range(5)]
    seen, token, pages = [], None, 0
    while True:
        page = folders.page(token, 2)
        seen += [folder.id for folder in page.items]
        pages += 1
        if not page.has_more:
            break
        token = page.next_token
    assert seen == made and pages == 3
    assert folders.page("4", 2).items[0].id == made[4] and folders.page("junk", 2).next_token == "2"


def test_pages_of_a_list_match_pages_of_a_query() -> None:
    items = list(range(5))
    assert [(page.items, page.next_token) for page in (page_of_list(items, token, 2) for token in (None, "2", "4"))] \
        == [([0, 1], "2"), ([2, 3], "4"), ([4], None)]


def test_require_raises_not_found_and_update_changes_in_place(runtime: Runtime) -> None:
    folders = Folders(runtime.db)
    with pytest.raises(NotFound) as missing:
        folders.require("0" * 32)
    assert (missing.value.kind, missing.value.record_id) == ("folder", "0" * 32)
    with pytest.raises(NotFound):
        folders.update("0" * 32, name="x")
    folder = folders.add(Folder(name="before"))
    assert folders.update(folder.id, name="after", trashed=True).name == "after"
    assert not folders.usable(folder.id) and folders.require(folder.id).trashed
    assert folders.delete(folder.id).id == folder.id and folders.get(folder.id) is None


def test_no_module_outside_store_imports_sqlalchemy() -> None:
    """Sessions and queries live in store/'s repositories; everything else asks them (store/__init__.py)."""
    offenders = []
    for path in SOURCE.rglob("*.py"):
        if path.is_relative_to(SOURCE / "store"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(SOURCE)}: {name}" for name in names if name.startswith("sqlalchemy")]
    assert offenders == []

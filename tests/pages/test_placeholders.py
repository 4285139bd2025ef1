"""No English "Choose an option" in the Chinese UI (issue 16.6): every multiselect on the pages
that have them carries a Chinese placeholder."""

from __future__ import annotations

import pytest

from tests.pages_fixtures import pages_db, run_page  # noqa: F401  (pages_db is a fixture)


@pytest.mark.parametrize("page", ["arena", "data", "volunteers", "requests"])
def test_every_multiselect_has_a_chinese_placeholder(pages_db, page: str) -> None:  # noqa: ANN001, F811
    at = run_page(page)
    boxes = [*at.multiselect, *at.sidebar.multiselect]
    assert boxes, page
    for box in boxes:
        placeholder = box.proto.placeholder
        assert placeholder and "Choose" not in placeholder, (page, box.label, placeholder)

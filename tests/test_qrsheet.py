"""QR code sheets: labels per page, the printed PDF, and its QR codes read back by a decoder."""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import Engine

from dashboard.app import create_server
from dashboard.cli import main
from dashboard.qrsheet import form_url
from feeds import building_lists
from feeds.settings import Settings
from layers.district import District
from layers.qrlabels import PER_PAGE, Label, Sheet, qr_svg, sheet_html
from tests.signin import login_client, make_user

BASE = "https://wf.example.test"


def _community(district: District, n: int = 0) -> tuple[str, int]:
    """A community's code and how many buildings it has, the n-th smallest."""
    micro_of = district.buildings.micro_grid
    counts = micro_of.str.split("-").str[:2].str.join("-").value_counts().sort_values()
    return str(counts.index[n]), int(counts.iloc[n])


def _decode_page(pdf: Path, page: int, tmp: Path) -> list[str]:
    prefix = tmp / f"p{page}"
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png", str(pdf), str(prefix)],
        check=True,
        timeout=60,
    )
    [png] = tmp.glob(f"p{page}*.png")
    with Image.open(png) as img:
        return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]


@pytest.mark.parametrize("n", [1, PER_PAGE, PER_PAGE + 1, 3 * PER_PAGE - 1])
def test_labels_fill_pages_of_a_fixed_grid(n: int) -> None:
    labels = tuple(Label(f"C-{i}", f"楼 {i}", "社区 · 网格", f"{BASE}/r/C-{i}") for i in range(n))
    page = sheet_html(Sheet("某社区 C", labels))
    assert page.count('class="label"') == n
    assert page.count('class="page"') == math.ceil(n / PER_PAGE) == Sheet("x", labels).pages
    assert "扫码反映问题" in page and "Scan to report a problem" in page
    assert "http" not in page.replace(BASE, "")  # nothing fetched: inline SVG only


def test_label_text_is_escaped() -> None:
    page = sheet_html(Sheet("<b>", (Label("C-1", "<script>x</script>", "", f"{BASE}/r/C-1"),)))
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_buildings_under_an_area_are_those_of_its_micro_grids(
    engine: Engine, district: District
) -> None:
    community, count = _community(district)
    with engine.connect() as conn:
        found = building_lists.buildings_under(conn, community)
        street = building_lists.buildings_under(conn, community.split("-")[0])
        assert building_lists.buildings_under(conn, "NO-SUCH") == []
    assert len(found) == count and all(b.micro_grid.startswith(community + "-") for b in found)
    assert {b.code for b in found} < {b.code for b in street}
    assert all(b.community_name and b.grid_name for b in found)


def test_cli_prints_a_pdf_whose_qr_codes_open_each_buildings_form(
    settings: Settings,
    engine: Engine,
    district: District,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    community, count = _community(district)
    assert count > PER_PAGE  # more than one page
    monkeypatch.setenv("DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("WATCHFLOOR_VAR", str(settings.var_dir))
    out = tmp_path / "sheet.pdf"
    assert main(["qr-sheet", community, "--out", str(out), "--base-url", BASE]) == 0
    assert f"{count} labels on {math.ceil(count / PER_PAGE)} pages" in capsys.readouterr().out
    reader = PdfReader(out)
    assert len(reader.pages) == math.ceil(count / PER_PAGE)
    with engine.connect() as conn:
        codes = [b.code for b in building_lists.buildings_under(conn, community)]
    first = reader.pages[0].extract_text()
    assert all(code in first for code in codes[:PER_PAGE]) and codes[PER_PAGE] not in first
    urls = _decode_page(out, 1, tmp_path)
    assert sorted(urls) == sorted(form_url(BASE, c) for c in codes[:PER_PAGE])
    last = count - (len(reader.pages) - 1) * PER_PAGE
    assert len(_decode_page(out, len(reader.pages), tmp_path)) == last


def test_cli_refuses_unknown_areas_and_other_files(
    settings: Settings, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("WATCHFLOOR_VAR", str(settings.var_dir))
    assert main(["qr-sheet", "NO-SUCH", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "no area with the code 'NO-SUCH'" in capsys.readouterr().err
    assert main(["qr-sheet", "BJ01", "--out", str(tmp_path / "x.docx")]) == 2
    assert not list(tmp_path.glob("x.*"))


@pytest.fixture
def client(settings: Settings, r: redis.Redis, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(settings.with_(public_url=BASE))) as c:
        yield c


def test_admin_gets_the_printable_page_and_other_roles_do_not(
    client: TestClient, engine: Engine, district: District
) -> None:
    community, count = _community(district, 1)
    login_client(client, make_user(engine, "officer").username)
    assert client.get(f"/admin/qr-sheet?area={community}&format=html").status_code == 403
    login_client(client, make_user(engine, "admin").username)
    page = client.get(f"/admin/qr-sheet?area={community}&format=html")
    assert page.status_code == 200 and page.text.count('class="label"') == count
    assert client.get("/admin/qr-sheet?area=NO-SUCH&format=html").status_code == 404
    assert client.get(f"/admin/qr-sheet?area={community}&format=doc").status_code == 400
    # the QR codes carry the configured public address, not the test client's (the PDF
    # test above decodes them; here the same encoder's output is found in the page)
    first = re.search(r'data-code="([^"]+)"', page.text)
    assert first
    assert qr_svg(form_url(BASE, first.group(1))) in page.text
    assert "testserver" not in page.text

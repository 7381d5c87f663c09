"""Residents' form cases: upload bombs and oversized photos, one phone's rate limit, and
ten parallel ratings of one resolved report (one counted)."""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Callable

import httpx2 as httpx
from sqlalchemy import func, select

from bench.faults_web.site import CSRF, Row, Site, row
from feeds import trackings
from feeds.tables import incident_events
from tests.uploads import big_jpeg, huge_jpeg_header, png_bomb, truncated_jpeg


def uploads(site: Site) -> list[Row]:
    cases: list[tuple[str, list[tuple[str, bytes]], int]] = [
        ("PNG bomb 20000x20000 (388 KB)", [("b.png", png_bomb(20_000, 20_000, rows=64))], 415),
        ("PNG 4100x4100 of zeros (16.8 MP)", [("z.png", png_bomb(4_100, 4_100))], 415),
        ("JPEG header claiming 60000x60000", [("h.jpg", huge_jpeg_header())], 415),
        ("truncated JPEG", [("t.jpg", truncated_jpeg())], 415),
        ("not an image", [("x.jpg", b"MZ\x90\x00 not a photo")], 415),
        ("four photos", [(f"{i}.jpg", big_jpeg(400, 300)) for i in range(4)], 400),
        ("a 6 MB photo", [("big.jpg", b"\xff\xd8" + b"\0" * (6 * 1024 * 1024))], 413),
    ]
    out: list[Row] = []
    for name, files, want in cases:
        with site.client() as c:
            got = post_report(c, site.address, files)
        out.append(row("upload", name, str(want), got, got == want))
    return out


def limits(site: Site) -> list[Row]:
    """Five junk reports from one phone do not silence its neighbours."""
    with site.client() as junk:
        codes = [post_report(junk, site.address, []) for _ in range(6)]
    with site.client() as neighbour:
        other = post_report(neighbour, site.address, [])
    return [
        row("limit", "one browser's 6 reports", "303 x5, 429", codes, codes == [303] * 5 + [429]),
        row("limit", "then a neighbour on the same network", "303", other, other == 303),
    ]


def post_report(c: httpx.Client, address: str, files: list[tuple[str, bytes]]) -> int:
    """The answer to one report: 303 to its progress page when it is taken."""
    token = CSRF.search(c.get(f"/r/{address}").text)
    data = {
        "csrf": token.group(1) if token else "",
        "kind": "complaint",
        "category": "environment",
        "text": "堆放垃圾",
    }
    upload = [("photos", (n, b, "image/jpeg")) for n, b in files]
    return c.post(f"/r/{address}", data=data, files=upload).status_code


def ratings(site: Site, resolve: Callable[[str], None]) -> list[Row]:
    with site.client() as c:
        token = CSRF.search(c.get(f"/r/{site.address}").text)
        data = {
            "csrf": token.group(1) if token else "",
            "kind": "complaint",
            "category": "environment",
            "text": "评价测试",
        }
        page = c.post(f"/r/{site.address}", data=data, follow_redirects=True).text
    number = re.search(r'id="tracking">([A-Za-z0-9_\-]+)<', page)
    if number is None:
        return [row("rating", "report for rating", "tracking number", "none", False)]
    with site.engine.connect() as conn:
        iid = (trackings.lookup(conn, number.group(1)) or ("", None))[0]
    resolve(iid)

    residents = [site.client() for _ in range(10)]  # ten tabs, each with the form loaded
    forms = [CSRF.search(c.get(f"/t/{number.group(1)}").text) for c in residents]

    def rate(i: int) -> int:
        form = forms[i]
        body = {"csrf": form.group(1) if form else "", "rating": str(1 + i % 5)}
        url = f"/t/{number.group(1)}/rate"
        return residents[i].post(url, data=body, follow_redirects=False).status_code

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(rate, range(10)))
    for c in residents:
        c.close()
    resolve("")  # let the worker apply what was sent

    def counted() -> int:
        with site.engine.connect() as conn:
            q = select(func.count()).select_from(incident_events)
            q = q.where(incident_events.c.incident_id == iid, incident_events.c.action == "rate")
            return int(conn.execute(q).scalar_one())

    n = counted()
    return [
        row(
            "rating",
            "10 parallel ratings: answers",
            "303 x1, 409 x9",
            sorted(codes),
            sorted(codes) == [303] + [409] * 9,
        ),
        row("rating", "10 parallel ratings: counted", "1", n, n == 1),
    ]

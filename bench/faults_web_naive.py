"""The naive way, for comparison: ``python -m bench.faults_web_naive PORT``.

The residents' form as it was before the fix: photos decoded whole on the event loop
(the check) and re-encoded at full size in the default thread pool, no bound on either;
plus a /healthz. bench/faults_web/parallel.py sends it the same parallel uploads as the real one.
"""

from __future__ import annotations

import asyncio
import io
import sys

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from PIL import Image
from starlette.datastructures import UploadFile


def _reencode(data: bytes) -> int:
    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image.save(out, format="JPEG")
    return len(out.getvalue())


def create() -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/upload")
    async def upload(request: Request) -> JSONResponse:
        form = await request.form(max_files=10)
        blobs = [await f.read() for f in form.getlist("photos") if isinstance(f, UploadFile)]
        for data in blobs:  # the check: a full decode, on the event loop
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
        sizes = [await asyncio.to_thread(_reencode, data) for data in blobs]
        return JSONResponse({"stored": sizes})

    return app


if __name__ == "__main__":
    uvicorn.run(create(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")

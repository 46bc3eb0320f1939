"""``POST /api/v1/recordings`` (multipart upload -> a job), ``GET /api/v1/jobs`` and ``GET /api/v1/jobs/{id}``."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api.deps import ServiceDep, StoreDep, WriterDep
from api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from api.routes.convert import job_public
from api.schemas import ErrorBody, JobList, JobPublic, JobStatus
from sdrscan.errors import SdrscanError
from sdrscan.service.uploads import UploadError, UploadReceiver, check_content_type, discard
from sdrscan.sources import open_source

router = APIRouter(tags=["recordings"])

JobId = Annotated[int, Path(ge=1, le=2**62, description="Job id (from POST /recordings).")]

_UPLOAD_SCHEMA = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "properties": {
            "meta": {"type": "string", "format": "binary",
                     "description": "SigMF metadata (.sigmf-meta JSON); then rate, frequency and datatype come "
                                    "from it."},
            "data": {"type": "string", "format": "binary", "description": "The samples (.sigmf-data or raw)."},
            "datatype": {"type": "string", "description": "Raw samples only: cu8, ci8, ci16_le or cf32_le."},
            "sample_rate_hz": {"type": "string", "description": "Raw samples only: e.g. 2400000 or 2.4M."},
            "center_freq_hz": {"type": "string", "description": "Raw samples only: e.g. 947.6M."},
            "label": {"type": "string", "description": "Name to show (default: the data file's name)."},
        },
        "required": ["data"],
    }}},
}


def _validate(path: FsPath, options: dict) -> None:
    """Open the saved recording once, so a bad one is refused now with the reader's message."""
    with open_source(path, fmt=options.get("fmt"), sample_rate_hz=options.get("sample_rate_hz"),
                     center_freq_hz=options.get("center_freq_hz")) as src:
        if not src.info.num_samples:
            raise UploadError(422, "the recording holds no samples")


@router.post("/recordings", status_code=202, response_model=JobPublic, summary="Upload a recording to analyse",
             openapi_extra={"requestBody": _UPLOAD_SCHEMA},
             responses={**WRITE_RESPONSES,
                        411: {"model": ErrorBody, "description": "No Content-Length on an upload."},
                        413: {"model": ErrorBody, "description": "Upload larger than [api] max_upload_bytes."},
                        415: {"model": ErrorBody, "description": "Not multipart/form-data."}})
async def upload_recording(request: Request, response: Response, service: ServiceDep, _auth: WriterDep) -> JobPublic:
    """Upload a SigMF recording (fields ``meta`` + ``data``) or raw IQ (``data`` + ``datatype``,
    ``sample_rate_hz``, ``center_freq_hz``). The body is streamed to disk under names the service chooses and
    refused past the size limit. Answers 202 with the queued job; its cells and alerts land in the store like
    live ones. Follow it with ``GET /jobs/{id}``."""
    limit = service.settings.api.max_upload_bytes
    boundary = check_content_type(request.headers.get("content-type"))
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise UploadError(400, f"Content-Length {length!r} is not a number")
        if int(length) > limit:
            raise UploadError(413, f"upload of {int(length)} bytes exceeds the limit of {limit} bytes "
                                   f"([api] max_upload_bytes)")
    incoming = service.upload_root / ".incoming" / uuid.uuid4().hex
    incoming.mkdir(parents=True, exist_ok=False)
    receiver = UploadReceiver(incoming, boundary, limit)
    try:
        async for chunk in request.stream():
            receiver.feed(chunk)
        received = receiver.finish()
        options = received.options()
        try:
            await asyncio.to_thread(_validate, received.recording_path(), options)
        except SdrscanError as exc:
            message = str(exc)  # the reader names our folder: not the client's business
            for f in sorted(received.files.values(), key=lambda p: -len(str(p))):
                message = message.replace(str(f), f"the uploaded {f.suffix.lstrip('.')} file")
            raise UploadError(422, f"not a readable recording: {message.replace(str(incoming), 'upload')}") from None
    except BaseException:
        receiver.close()
        discard(incoming)
        raise
    run_id = service.submit_upload(incoming, received.recording_path().name, received.label(), options,
                                   received.size_bytes)
    response.headers["Location"] = f"/api/v1/jobs/{run_id}"
    row = service.store.get_run(run_id)
    assert row is not None
    return job_public(row)


@router.get("/jobs", response_model=JobList, summary="List jobs and runs", responses=ERROR_RESPONSES)
def list_jobs(
    store: StoreDep,
    status: Annotated[list[JobStatus], Query(description="Only these statuses.")] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Jobs to skip.")] = 0,
) -> JobList:
    page = store.list_runs(statuses=tuple(s.value for s in status), limit=limit, offset=offset)
    return JobList(items=[job_public(r) for r in page.items], total=page.total, limit=limit, offset=offset)


@router.get("/jobs/{job_id}", response_model=JobPublic, summary="A job and its progress",
            responses={**ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "No such job."}})
def get_job(store: StoreDep, job_id: JobId) -> JobPublic:
    row = store.get_run(job_id)
    if row is None:
        raise HTTPException(404, f"no job with id {job_id}")
    return job_public(row)

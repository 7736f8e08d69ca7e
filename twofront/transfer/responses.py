"""File downloads shared by the pages and the API."""

import io

from django.http import FileResponse, Http404, StreamingHttpResponse

from twofront.transfer.exports import XLSX_CONTENT_TYPE
from twofront.transfer.workbooks import write_template


def attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(export):
    if export.file is not None:
        response = FileResponse(export.file, content_type=export.content_type)
    else:
        response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    return attachment(response, export.filename)


def template_response(spec):
    buffer = io.BytesIO()
    write_template(spec, buffer)
    buffer.seek(0)
    return attachment(FileResponse(buffer, content_type=XLSX_CONTENT_TYPE), f"{spec.dataset}-template.xlsx")


def errors_response(job):
    if not job.error_file:
        raise Http404
    return attachment(FileResponse(job.error_file.open("rb"), content_type=XLSX_CONTENT_TYPE),
                      f"import-{job.pk}-errors.xlsx")

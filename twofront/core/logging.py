import logging
import re

_PII = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)|(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def _mask(match: re.Match) -> str:
    if match.group(1):
        return f"{match.group(1)}{'*' * 10}{match.group(2)}"
    return f"{match.group(3)}****{match.group(4)}"


class MaskPIIFilter(logging.Filter):
    """Masks anything shaped like a national ID or mobile number before a log line is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _PII.sub(_mask, message)
        if masked != message:
            record.msg, record.args = masked, None
        return True

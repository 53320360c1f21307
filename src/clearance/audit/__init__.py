"""The tamper-evident audit trail: append-only, hash-chained records.

record_screening(engine, "api-key:ops", query, versions, threshold, results)
verify(engine)            # VerifyResult(ok, checked, problems naming the records)
export(engine, "jsonl", start, end)  # text chunks for an examiner
"""

from clearance.audit.trail import (
    AuditRecord,
    VerifyResult,
    append,
    canonical_json,
    export,
    record,
    record_screening,
    records,
    verify,
)

__all__ = [
    "AuditRecord",
    "VerifyResult",
    "append",
    "canonical_json",
    "export",
    "record",
    "record_screening",
    "records",
    "verify",
]

"""Clearance inside Apache Spark: `clearance.spark.screen(df, ...)` (needs `clearance[spark]`).

    from clearance.spark import screen
    screened = screen(payments, name_col="party_name", country_col="country",
                      lists=None, activity="transact", threshold=0.4)

Same rows as `clearance screen`: each partition runs the local engine's row
screening (`clearance.workflows.batch.RowScreener`) through `mapInArrow`, with the
compiled index and party lookup shipped once per executor (`bundle`).
"""

from clearance.spark.bundle import Bundle, ShippedParties, build_bundle
from clearance.spark.screening import screen

__all__ = ["Bundle", "ShippedParties", "build_bundle", "screen"]

"""The harmonisation matrix: per involved jurisdiction, whether the assessed material is
criminal there, and which instrument the lead jurisdiction can use towards it.

Pure: it takes the jurisdictions' legal profiles and the assessment, and decides nothing
else. The officer confirms the suggested classification.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from liaison.models import Jurisdiction

from .choices import Classification, Instrument


@dataclass(frozen=True)
class MatrixRow:
    code: str
    name: str
    criminal: bool
    establishes_platform: bool
    instrument: Instrument
    reason: str

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "criminal": self.criminal,
            "establishes_platform": self.establishes_platform,
            "instrument": self.instrument.value,
            "reason": self.reason,
        }


def instrument_towards(
    *, issuing: Jurisdiction, target: Jurisdiction, criminal_at_home: bool
) -> tuple[Instrument, str]:
    """How the issuing jurisdiction can act on a platform established in ``target``."""
    if not criminal_at_home:
        return Instrument.NONE, _("Not criminal in the issuing jurisdiction.")
    if target.code == issuing.code:
        return Instrument.ORDER, _("Domestic platform: a direct order.")
    if not target.in_network:
        return Instrument.NOTICE, _("Outside the network: a notice, no binding order.")
    if not target.accepts_direct_orders:
        return Instrument.MLA, _("%(name)s requires an MLA request, not a direct order.") % {
            "name": target.name
        }
    return Instrument.ORDER, _("%(name)s accepts direct cross-border orders.") % {
        "name": target.name
    }


def build_matrix(
    *,
    depiction_type: str,
    issuing: Jurisdiction,
    involved: Iterable[Jurisdiction],
    platform_jurisdictions: set[str],
) -> list[MatrixRow]:
    criminal_at_home = issuing.criminalises(depiction_type)
    rows = []
    for jurisdiction in sorted({j.code: j for j in involved}.values(), key=lambda j: j.code):
        establishes = jurisdiction.code in platform_jurisdictions
        if establishes:
            instrument, reason = instrument_towards(
                issuing=issuing, target=jurisdiction, criminal_at_home=criminal_at_home
            )
        else:
            instrument, reason = Instrument.NONE, _("No platform of this case is established here.")
        rows.append(
            MatrixRow(
                code=jurisdiction.code,
                name=jurisdiction.name,
                criminal=jurisdiction.criminalises(depiction_type),
                establishes_platform=establishes,
                instrument=instrument,
                reason=reason,
            )
        )
    return rows


def suggest_classification(rows: list[MatrixRow]) -> Classification:
    criminal = [row.criminal for row in rows]
    if criminal and all(criminal):
        return Classification.ILLEGAL_ALL
    return Classification.ILLEGAL_SOME if any(criminal) else Classification.ILLEGAL_NONE

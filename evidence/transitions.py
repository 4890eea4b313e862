"""When an evidence package may move (see takedown/core/transitions.py)."""

from takedown.core.transitions import Machine, Move

from .choices import PackageStatus
from .models import EvidencePackage

_P = PackageStatus
SEALED = {_P.SEALED, _P.SHARED, _P.RECEIVED}

PACKAGE = Machine(
    EvidencePackage,
    event="evidence",
    moves={
        # A sealed package never changes: new material goes in a follow-up package.
        "package_updated": Move(from_={_P.DRAFT}),
        "file_added": Move(from_={_P.DRAFT}),
        "sealed": Move(from_={_P.DRAFT}, to=_P.SEALED),
        "followed_up": Move(from_=SEALED),
        "exported": Move(from_=SEALED),
        "transferred": Move(from_=SEALED, to=_P.SHARED),
        "received": Move(from_={_P.SHARED}, to=_P.RECEIVED),
        "receipt_failed": Move(from_={_P.SHARED}),  # recorded; it stays shared
    },
)

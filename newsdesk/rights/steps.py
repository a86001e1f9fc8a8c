"""The rights step every worker cycle runs before refreshing feeds: carry out verified takedowns, so removal
happens within one worker cycle of verification."""

import logging
from dataclasses import dataclass, field

from newsdesk.rights.services import takedowns_carry_out_verified

log = logging.getLogger(__name__)


@dataclass
class RightsStepResult:
    removed: list[int] = field(default_factory=list)  # request ids carried out


def rights_step() -> RightsStepResult:
    """One pass of the takedown desk's automatic work."""
    return RightsStepResult(removed=takedowns_carry_out_verified())

"""ThrustCoach: coaching software for the single-leg hip thrust and its close relatives.

The public API is re-exported by each domain package (``thrustcoach.kb``, ``thrustcoach.pose``,
``thrustcoach.analysis``, ``thrustcoach.program``, ``thrustcoach.log``); this module only carries
the version and the error root.
"""

from thrustcoach.errors import ThrustCoachError

__all__ = ["ThrustCoachError", "__version__"]
__version__ = "0.1.0"

"""Named shapes of synthetic data: how big a marketplace ``seed --synthetic --profile`` writes.

A province is Sichuan-sized: about 180 districts (区县), 50,000 communities, 100,000 partners and
200,000 open needs (the generator leaves some of what it writes closed, so it writes a few more).
A city is one prefecture's worth of that; a county, a quick try.

>>> PROFILES["province"].districts
180
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PROFILES", "Profile"]


@dataclass(frozen=True)
class Profile:
    """What ``generate`` is asked for."""

    demands: int
    communities: int
    partners: int
    districts: int
    #: Partners that also deliver from afar, anywhere in the province (funders, online trainers):
    #: few, or every need that can be served remotely would have thousands of candidates.
    remote_share: float


PROFILES = {
    "province": Profile(
        demands=210_000, communities=50_000, partners=100_000, districts=180, remote_share=0.002
    ),
    "city": Profile(
        demands=21_000, communities=5_000, partners=10_000, districts=18, remote_share=0.02
    ),
    #: a county's worth, for trying the commands out (and the tests)
    "county": Profile(demands=1_200, communities=300, partners=600, districts=3, remote_share=0.02),
}

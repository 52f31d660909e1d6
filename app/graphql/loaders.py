"""Fresh DataLoaders for each request, grouped per domain."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.members.loaders import MemberLoaders


@dataclass
class Loaders:
    members: MemberLoaders = field(default_factory=MemberLoaders)

from enum import StrEnum


class Trigger(StrEnum):
    INBOUND = "inbound"
    MANUAL = "manual"
    RESYNC = "resync"
    SCHEDULE = "schedule"
    SWEEPER = "sweeper"

    def __str__(self) -> str:
        return str(self.value)

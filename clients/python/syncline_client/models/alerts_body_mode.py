from enum import StrEnum


class AlertsBodyMode(StrEnum):
    DIGEST = "digest"
    IMMEDIATE = "immediate"

    def __str__(self) -> str:
        return str(self.value)

from enum import StrEnum


class ServiceCreateType(StrEnum):
    STANDARD = "standard"
    SWEEPER = "sweeper"

    def __str__(self) -> str:
        return str(self.value)

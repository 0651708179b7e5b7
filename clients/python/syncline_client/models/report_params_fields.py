from enum import StrEnum


class ReportParamsFields(StrEnum):
    ADDITIONAL = "additional"
    DEFAULT = "default"

    def __str__(self) -> str:
        return str(self.value)

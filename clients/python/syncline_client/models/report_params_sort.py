from enum import StrEnum


class ReportParamsSort(StrEnum):
    REFERENCE = "reference"
    SERVICE = "service"
    STATUS = "status"
    TIME = "time"

    def __str__(self) -> str:
        return str(self.value)

from enum import StrEnum


class ExportParamsSort(StrEnum):
    REFERENCE = "reference"
    SERVICE = "service"
    STATUS = "status"
    TIME = "time"

    def __str__(self) -> str:
        return str(self.value)

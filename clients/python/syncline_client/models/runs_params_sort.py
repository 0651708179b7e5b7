from enum import StrEnum


class RunsParamsSort(StrEnum):
    DURATION = "duration"
    FAILURES = "failures"
    STARTED = "started"

    def __str__(self) -> str:
        return str(self.value)

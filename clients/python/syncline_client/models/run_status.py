from enum import StrEnum


class RunStatus(StrEnum):
    FAILED = "Failed"
    OK = "OK"
    RESYNCED = "Resynced"
    RUNNING = "Running"

    def __str__(self) -> str:
        return str(self.value)

from enum import StrEnum


class Status(StrEnum):
    FAILED = "Failed"
    OK = "OK"
    PENDING = "Pending"
    SENT = "Sent"

    def __str__(self) -> str:
        return str(self.value)

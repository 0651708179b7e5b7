from enum import StrEnum


class ServiceListParamsTypeType0(StrEnum):
    STANDARD = "standard"
    SWEEPER = "sweeper"

    def __str__(self) -> str:
        return str(self.value)

from enum import StrEnum


class ServiceListParamsStatusType0(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"

    def __str__(self) -> str:
        return str(self.value)

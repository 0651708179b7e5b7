from enum import StrEnum


class DashboardFilterParamsPeriodType0(StrEnum):
    LAST_WEEK = "last_week"
    THIS_WEEK = "this_week"
    TODAY = "today"
    YESTERDAY = "yesterday"

    def __str__(self) -> str:
        return str(self.value)

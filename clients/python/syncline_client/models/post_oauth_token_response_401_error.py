from enum import StrEnum


class PostOauthTokenResponse401Error(StrEnum):
    INVALID_CLIENT = "invalid_client"
    INVALID_REQUEST = "invalid_request"
    INVALID_SCOPE = "invalid_scope"
    UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"

    def __str__(self) -> str:
        return str(self.value)

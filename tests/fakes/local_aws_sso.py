"""The IAM Identity Center (SSO) portal's GetRoleCredentials, which moto does not serve
(installed beside moto by local_aws; service `sso`, REST-JSON, unsigned: the caller proves
itself with the access token of `aws sso login` in the x-amz-sso_bearer_token header).

Tests say which tokens are valid: `POST /_spawn/sso-token {"access_token", "account_id",
"role_name", "expires_in"?}` grants that token that role in that account (expires_in seconds,
default 3600; 0 or less: already expired, as a token AWS has revoked). GetRoleCredentials then
answers as the portal does:
- no such token, or an expired one: HTTP 401 UnauthorizedException "Session token not found or invalid";
- a token without that role in that account: HTTP 403 ForbiddenException "No access";
- else HTTP 200 {"roleCredentials": {"accessKeyId": "ASIA...", "secretAccessKey", "sessionToken",
  "expiration": epoch milliseconds}}, credentials valid for an hour, new ones at each call.
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
import uuid
from typing import Any

_UPPER = string.ascii_uppercase + string.digits


class SsoPortal:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # access token -> {"expires": epoch seconds, "roles": {(account_id, role_name)}}
        self._tokens: dict[str, dict[str, Any]] = {}

    def grant(self, request: dict[str, Any]) -> dict[str, Any]:
        token, account, role = request["access_token"], request["account_id"], request["role_name"]
        if not all(isinstance(v, str) and v for v in (token, account, role)):
            raise ValueError("access_token, account_id and role_name must be non-empty strings")
        expires = time.time() + float(request.get("expires_in", 3600))
        with self._lock:
            entry = self._tokens.setdefault(token, {"expires": expires, "roles": set()})
            entry["expires"] = expires
            entry["roles"].add((account, role))
            return {"account_id": account, "role_name": role, "expires": round(expires, 3)}

    def get_role_credentials(self, token: str | None, account: str, role: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            entry = self._tokens.get(token or "")
            if entry is None or entry["expires"] <= time.time():
                return 401, {"message": "Session token not found or invalid"}
            if (account, role) not in entry["roles"]:
                return 403, {"message": "No access"}
        credentials = {
            "accessKeyId": "ASIA" + "".join(secrets.choice(_UPPER) for _ in range(16)),
            "secretAccessKey": secrets.token_urlsafe(30)[:40],
            "sessionToken": secrets.token_urlsafe(96),
            "expiration": int((time.time() + 3600) * 1000),
        }
        return 200, {"roleCredentials": credentials}


def reply_parts(status: int, document: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body as the portal sends them (REST-JSON; errors named in x-amzn-ErrorType)."""
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", str(uuid.uuid4()))]
    if status == 401:
        headers.append(("x-amzn-ErrorType", "UnauthorizedException"))
    elif status == 403:
        headers.append(("x-amzn-ErrorType", "ForbiddenException"))
    return status, headers, json.dumps(document).encode()

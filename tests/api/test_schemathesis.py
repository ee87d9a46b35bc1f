"""Schemathesis against the OpenAPI schema of a running api, as an admin (who may call every
route): no generated request may produce a 5xx. Kept bounded (few examples per operation) so
the suite stays fast; raise BK_FUZZ_EXAMPLES for a deeper run."""

import asyncio
import os
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from tests.api.conftest import RunningApi

EXAMPLES = int(os.environ.get("BK_FUZZ_EXAMPLES", "15"))
SKIP = {("POST", "/api/auth/logout"), ("POST", "/api/auth/password")}  # would end the admin's own session


def _fuzz(raw: dict[str, Any], base_url: str, token: str) -> list[str]:
    schema = schemathesis.openapi.from_dict(raw)
    failures: list[str] = []
    calls: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue

        @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")

        check()
    assert len(calls) > 100, f"schemathesis made only {len(calls)} requests"
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_no_server_errors_for_generated_requests(api: RunningApi) -> None:
    async with httpx.AsyncClient(base_url=api.url) as client:
        raw = (await client.get("/openapi.json")).json()
    failures = await asyncio.to_thread(_fuzz, raw, api.url, api.tokens["admin"])
    assert failures == []

"""report_api's code makes only the AWS calls its role allows (syncline.aws_calls, which the CDK
app grants): connectors with their secrets, service schedules, run now, resync and exports, with
every call recorded as the IAM action and resource it needs."""

from __future__ import annotations

from ..aws_calls import listed, recording
from .conftest import AwsEnv, new_group, seed_items


def test_report_api_makes_no_call_its_role_does_not_allow(aws_env: AwsEnv) -> None:
    group = new_group("calls")
    seed_items(group, runs_per_service=2, items_per_run=5)
    api = group.api
    connector = {
        "connector_id": "dst",
        "system": "rest",
        "name": "Dest",
        "base_url": "https://dst.example.com/api",
        "settings": {"auth": "bearer"},
        "credentials": {"token": "first-token"},
    }
    failed = [i.sync_id for i in group.items if i.status.value == "Failed"][:3]
    with recording(aws_env.env) as recorder, recorder.function("report_api"):
        answers = [
            api.post("/connectors", body=connector),
            api.patch("/connectors/dst", body={"credentials": {"token": "second-token"}}),
            api.post("/services/orders/activate"),
            api.post("/services/orders/deactivate"),
            api.post("/services/orders/run"),
            api.post("/reports/resync", body={"sync_ids": failed}),
            api.get("/reports/export", query={"days": 15}),
            api.get("/reports", query={"status": "Failed"}),
            api.delete("/connectors/dst"),
        ]
    assert all(a.status < 300 for a in answers), [(a.status, a.text[:200]) for a in answers]
    calls = recorder.calls["report_api"]
    assert calls <= listed("report_api"), calls - listed("report_api")
    # the secret, schedule and queue paths were taken
    assert {a for a, _ in calls} >= {
        "secretsmanager:CreateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:DeleteSecret",
        "scheduler:CreateSchedule",
        "scheduler:DeleteSchedule",
        "sqs:SendMessage",
    }

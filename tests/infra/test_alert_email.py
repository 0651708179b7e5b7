"""Alert email (SES): identity, configuration set with reputation metrics, bounce and complaint
events to SNS, rate alarms, DKIM outputs for a domain; nothing of it without `alertSender`."""

from __future__ import annotations

from typing import Any

import pytest

from infra.syncline_infra.context import ContextError, StageConfig

from .conftest import VARIANT_CONTEXT, Synthesized, logical_id, of_type, render, synthesize


def test_no_ses_resources_without_an_alert_sender(resources: dict[str, Any]) -> None:
    assert not [r for r in resources.values() if r["Type"].startswith("AWS::SES::")]


def test_identity_configuration_set_events_and_alarms(
    variant: Synthesized, variant_resources: dict[str, Any]
) -> None:
    (identity,) = of_type(variant_resources, "AWS::SES::EmailIdentity").values()
    assert identity["Properties"]["EmailIdentity"] == "alerts@example.com"
    ((set_id, config_set),) = of_type(variant_resources, "AWS::SES::ConfigurationSet").items()
    props = config_set["Properties"]
    assert props["Name"] == "syncline-prod-alerts"
    assert props["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    assert render(identity["Properties"]["ConfigurationSetAttributes"]["ConfigurationSetName"]) == set_id
    (destination,) = of_type(variant_resources, "AWS::SES::ConfigurationSetEventDestination").values()
    event = destination["Properties"]["EventDestination"]
    assert sorted(event["MatchingEventTypes"]) == ["bounce", "complaint", "reject"]
    topic = render(event["SnsDestination"]["TopicARN"])
    assert variant_resources[topic]["Type"] == "AWS::SNS::Topic"
    alarms = {
        a["Properties"]["MetricName"]: a["Properties"]
        for a in of_type(variant_resources, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("Namespace") == "AWS/SES"
    }
    assert set(alarms) == {"Reputation.BounceRate", "Reputation.ComplaintRate"}
    for alarm in alarms.values():
        assert alarm["Dimensions"] == [{"Name": "ses:configuration-set", "Value": "syncline-prod-alerts"}]
        assert [render(a) for a in alarm["AlarmActions"]] == [logical_id(variant.stack.monitoring.topic)]
    outputs = variant.template_json()["Outputs"]
    assert outputs["AlertConfigurationSet"]["Value"] == "syncline-prod-alerts"
    assert not [name for name in outputs if name.startswith("AlertDkim")]


def test_a_domain_sender_outputs_its_dkim_records(tmp_path_factory: pytest.TempPathFactory) -> None:
    context = VARIANT_CONTEXT | {"alertSender": "mail.example.com"}
    result = synthesize(context, tmp_path_factory.mktemp("cdk-domain"))
    assert result.error is None, result.error
    resources = result.template_json()["Resources"]
    (identity,) = of_type(resources, "AWS::SES::EmailIdentity").values()
    assert identity["Properties"]["EmailIdentity"] == "mail.example.com"
    outputs = result.template_json()["Outputs"]
    assert sorted(name for name in outputs if name.startswith("AlertDkim")) == [
        "AlertDkimRecord1",
        "AlertDkimRecord2",
        "AlertDkimRecord3",
    ]
    alerts = [
        f["Properties"]["Environment"]["Variables"]
        for f in of_type(resources, "AWS::Lambda::Function").values()
        if f["Properties"]["FunctionName"] == "syncline-prod-alerts"
    ]
    assert alerts[0]["SYNCLINE_ALERT_SENDER"] == "syncline-alerts@mail.example.com"


@pytest.mark.parametrize("value", ["not a sender", "a@b", "http://x.example.com"])
def test_a_bad_alert_sender_names_the_key(value: str) -> None:
    with pytest.raises(ContextError, match="^alertSender: "):
        StageConfig.from_mapping({"alertSender": value})


def test_alert_link_base_must_be_https() -> None:
    with pytest.raises(ContextError, match="^alertLinkBase: "):
        StageConfig.from_mapping({"alertLinkBase": "http://insecure.example.com"})

"""Alert email (SES), when ``alertSender`` is set: the sender identity (an address, or a domain
with Easy DKIM, whose three CNAME records are stack outputs), a configuration set with reputation
metrics whose bounce and complaint events go to an SNS topic, and alarms on the bounce and
complaint rates (to the stage's alarm topic). The alerts function sends from that address with that
configuration set only (see permissions.py: in the SES sandbox, SES also authorises the send against
each recipient's identity, so the grant is on the account's identities, for that sender).
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from constructs import Construct

from .context import StageConfig

# SES reviews an account at a 5% bounce rate and 0.1% complaint rate: alarm well before.
BOUNCE_RATE_ALARM = 0.03
COMPLAINT_RATE_ALARM = 0.0008


class AlertEmail(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, alarm_action: cw_actions.SnsAction
    ) -> None:
        super().__init__(scope, construct_id)
        assert config.alert_identity
        stack = Stack.of(self)
        domain = "@" not in config.alert_identity
        self.identity_name = config.alert_identity
        self.configuration_set_name = config.alert_configuration_set
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=self.configuration_set_name,
            reputation_metrics=True,
            sending_enabled=True,
        )
        self.identity = ses.EmailIdentity(
            self,
            "Identity",
            identity=ses.Identity.domain(config.alert_identity)
            if domain
            else ses.Identity.email(config.alert_identity),
            configuration_set=self.configuration_set,
        )
        self.feedback = sns.Topic(
            self,
            "Feedback",
            display_name=f"Syncline {config.stage} alert email bounces and complaints",
            enforce_ssl=True,
        )
        self.configuration_set.add_event_destination(
            "BouncesAndComplaints",
            destination=ses.EventDestination.sns_topic(self.feedback),
            events=[
                ses.EmailSendingEvent.BOUNCE,
                ses.EmailSendingEvent.COMPLAINT,
                ses.EmailSendingEvent.REJECT,
            ],
        )
        self.configuration_set_arn = stack.format_arn(
            service="ses", resource="configuration-set", resource_name=self.configuration_set_name
        )
        self.alarms: dict[str, cw.Alarm] = {}
        for name, metric, threshold in (
            ("AlertBounceRate", "Reputation.BounceRate", BOUNCE_RATE_ALARM),
            ("AlertComplaintRate", "Reputation.ComplaintRate", COMPLAINT_RATE_ALARM),
        ):
            alarm = cw.Metric(
                namespace="AWS/SES",
                metric_name=metric,
                dimensions_map={"ses:configuration-set": self.configuration_set_name},
                period=Duration.hours(1),
                statistic="Maximum",
            ).create_alarm(
                self,
                name,
                alarm_name=f"{config.prefix}-{name}",
                alarm_description=f"Syncline {config.stage}: alert email {metric} at or over {threshold:.2%}",
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(alarm_action)
            alarm.add_ok_action(alarm_action)
            self.alarms[name] = alarm
        outputs = {
            "AlertSenderIdentity": self.identity_name,
            "AlertConfigurationSet": self.configuration_set_name,
            "AlertFeedbackTopicArn": self.feedback.topic_arn,
        }
        if domain:  # the three Easy DKIM CNAME records to publish in the domain's DNS
            for n, record in enumerate(self.identity.dkim_records, start=1):
                outputs[f"AlertDkimRecord{n}"] = f"{record.name} CNAME {record.value}"
        for name, value in outputs.items():
            CfnOutput(stack, name, value=value)

"""The web console (context `console: true`): a private bucket served by CloudFront through origin
access control, security headers on every answer, and the API's CORS allowing that origin only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from syncline.settings import ENV
from tests.infra.conftest import Synthesized, _require_success, logical_id, of_type, synthesize
from tests.infra.test_checks import _cfn_lint


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    context = {"console": "true", "aws:cdk:bundling-stacks": []}
    return _require_success(synthesize(context, tmp_path_factory.mktemp("cdk-console")))


@pytest.fixture(scope="module")
def resources(console: Synthesized) -> dict[str, Any]:
    data: dict[str, Any] = console.template_json()["Resources"]
    return data


def test_off_by_default(resources: dict[str, Any], tmp_path: Path) -> None:
    default = synthesize({"aws:cdk:bundling-stacks": []}, tmp_path)
    plain = default.template_json()["Resources"]
    assert not of_type(plain, "AWS::CloudFront::Distribution")
    assert of_type(resources, "AWS::CloudFront::Distribution")


def test_bucket_is_private_and_read_by_cloudfront_through_oac(
    resources: dict[str, Any], console: Synthesized
) -> None:
    assert console.stack.console is not None
    bucket_id = logical_id(console.stack.console.bucket)
    bucket = resources[bucket_id]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert "WebsiteConfiguration" not in bucket
    (oac,) = of_type(resources, "AWS::CloudFront::OriginAccessControl").values()
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    (distribution,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    (origin,) = config["Origins"]
    assert origin["OriginAccessControlId"] == {
        "Fn::GetAtt": [next(iter(of_type(resources, "AWS::CloudFront::OriginAccessControl"))), "Id"]
    }
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""  # OAC, not the legacy OAI
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    policies = [
        p["Properties"]["PolicyDocument"]
        for p in of_type(resources, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    statements = [s for doc in policies for s in doc["Statement"] if s["Effect"] == "Allow"]
    # CloudFront reads objects; CDK's auto-delete function (which empties the bucket before it is
    # deleted with the stack) is the only other principal
    readers = [s for s in statements if s["Principal"] == {"Service": "cloudfront.amazonaws.com"}]
    assert readers and all(s["Action"] == "s3:GetObject" for s in readers)
    assert all("AWS:SourceArn" in json.dumps(s["Condition"]) for s in readers)
    (emptier,) = [s for s in statements if s not in readers]
    assert "CustomS3AutoDeleteObjects" in json.dumps(emptier["Principal"])


def test_security_headers_forbid_inline_script_and_set_hsts(resources: dict[str, Any]) -> None:
    (policy,) = of_type(resources, "AWS::CloudFront::ResponseHeadersPolicy").values()
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = json.dumps(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["IncludeSubdomains"] and hsts["Override"]
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    (distribution,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    behaviour = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["ResponseHeadersPolicyId"] == {
        "Ref": next(iter(of_type(resources, "AWS::CloudFront::ResponseHeadersPolicy")))
    }


def test_api_cors_allows_only_the_console_origin(resources: dict[str, Any], console: Synthesized) -> None:
    assert console.stack.console is not None
    distribution = logical_id(console.stack.console.distribution)
    origin = {"Fn::Join": ["", ["'https://", {"Fn::GetAtt": [distribution, "DomainName"]}, "'"]]}
    options = [
        m["Properties"]
        for m in of_type(resources, "AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    assert options
    for props in options:
        headers = props["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert headers["method.response.header.Access-Control-Allow-Origin"] == origin
    report_api = resources[logical_id(console.stack.functions.report_api)]
    variables = report_api["Properties"]["Environment"]["Variables"]
    assert {k for k in variables if not k.startswith("POWERTOOLS_")} <= set(ENV.values())
    env = variables[ENV["cors_origins"]]
    assert env == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]}
    outputs = console.template_json()["Outputs"]
    assert "ConsoleUrl" in outputs and "ConsoleBucketName" in outputs


def test_cfn_lint_passes_with_the_console(console: Synthesized) -> None:
    result = _cfn_lint(console.template_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _deployments(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["Properties"] for r in of_type(resources, "Custom::CDKBucketDeployment").values()]


def test_deploy_copies_the_static_files_and_invalidates_the_distribution(
    resources: dict[str, Any], console: Synthesized
) -> None:
    assert console.stack.console is not None
    bucket = {"Ref": logical_id(console.stack.console.bucket)}
    distribution = {"Ref": logical_id(console.stack.console.distribution)}
    deployments = _deployments(resources)
    assert len(deployments) == 2
    for props in deployments:
        assert props["DestinationBucketName"] == bucket
        assert props["DistributionId"] == distribution
        assert props["DistributionPaths"] == ["/*"]
    files, entry = sorted(deployments, key=lambda p: p["Prune"], reverse=True)
    # The files but the entry points, cached 5 minutes; stale files pruned, the entry points kept.
    assert files["Prune"] is True and files["Exclude"] == ["index.html", "config.json"]
    assert files["SystemMetadata"]["cache-control"] == "public, max-age=300"
    # index.html and config.json, revalidated on every load, copied after the files they name.
    assert entry["Prune"] is False and entry["Exclude"] == ["*"]
    assert entry["Include"] == ["index.html", "config.json"]
    assert entry["SystemMetadata"]["cache-control"] == "no-cache"
    (entry_id,) = (
        k
        for k, r in of_type(resources, "Custom::CDKBucketDeployment").items()
        if not r["Properties"]["Prune"]
    )
    files_id = next(k for k in of_type(resources, "Custom::CDKBucketDeployment") if k != entry_id)
    assert files_id in resources[entry_id]["DependsOn"]


def test_the_deployed_asset_is_exactly_the_static_folder(
    resources: dict[str, Any], console: Synthesized
) -> None:
    from syncline.console import STATIC_DIR

    files, entry = sorted(_deployments(resources), key=lambda p: p["Prune"], reverse=True)
    (static_key,) = files["SourceObjectKeys"]
    assert entry["SourceObjectKeys"][0] == static_key
    staged = console.outdir / f"asset.{static_key.removesuffix('.zip')}"
    shipped = sorted(p.name for p in STATIC_DIR.iterdir() if p.suffix in (".html", ".css", ".js"))
    assert "main.js" in shipped and "router.js" in shipped
    assert sorted(p.name for p in staged.iterdir()) == shipped
    for path in staged.iterdir():
        assert path.read_bytes() == (STATIC_DIR / path.name).read_bytes()


def test_config_json_names_the_api_url(resources: dict[str, Any], console: Synthesized) -> None:
    """config.json is {"api": <marker>}; at deploy the marker becomes the API URL as a JSON string."""
    files, entry = sorted(_deployments(resources), key=lambda p: p["Prune"], reverse=True)
    assert "SourceMarkers" not in files
    config_key = entry["SourceObjectKeys"][1]
    staged = console.outdir / f"asset.{config_key.removesuffix('.zip')}"
    assert [p.name for p in staged.iterdir()] == ["config.json"]
    (marker,) = entry["SourceMarkers"][1]
    assert (staged / "config.json").read_text(encoding="utf-8") == '{"api":' + marker + "}"
    rest_api = console.stack.api.rest_api
    stage = console.stack.get_logical_id(rest_api.deployment_stage.node.default_child)  # type: ignore[arg-type]
    parts = entry["SourceMarkers"][1][marker]["Fn::Join"][1]
    assert parts[0] == '"https://' and parts[-1] == '/"'  # a JSON string, quotes included
    assert {"Ref": logical_id(rest_api)} in parts and {"Ref": stage} in parts


def test_a_failed_first_deploy_rolls_back_cleanly(resources: dict[str, Any], console: Synthesized) -> None:
    """A rollback deletes the console bucket after the deploy copied files into it: the bucket goes
    with the stack and is emptied first (a non-empty bucket would stop the rollback, ROLLBACK_FAILED)."""
    assert console.stack.console is not None
    bucket_id = logical_id(console.stack.console.bucket)
    assert resources[bucket_id]["DeletionPolicy"] == "Delete"
    (emptier,) = of_type(resources, "Custom::S3AutoDeleteObjects").values()
    assert emptier["Properties"]["BucketName"] == {"Ref": bucket_id}
    for deployment in _deployments(resources):  # everything copied in lands in that bucket
        assert deployment["DestinationBucketName"] == {"Ref": bucket_id}


def _viewer_certificate(resources: dict[str, Any]) -> Any:
    (distribution,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"].get("ViewerCertificate")


def test_the_default_domain_says_what_its_certificate_allows(resources: dict[str, Any]) -> None:
    """CloudFront's own *.cloudfront.net certificate negotiates TLS 1.0 and up: no minimum is
    claimed, and the acknowledgement says so and how to get TLS 1.2."""
    assert _viewer_certificate(resources) is None
    (distribution,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    (reason,) = [
        r["reason"]
        for r in distribution["Metadata"]["cdk_nag"]["rules_to_suppress"]
        if r["id"] == "AwsSolutions-CFR4"
    ]
    assert "TLS 1.0" in reason and "console_domain" in reason and "console_certificate_arn" in reason


CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"


def test_own_domain_and_certificate_require_tls_1_2(tmp_path_factory: pytest.TempPathFactory) -> None:
    context = {
        "console": "true",
        "console_domain": "Console.Example.com",
        "console_certificate_arn": CERTIFICATE,
        "aws:cdk:bundling-stacks": [],
    }
    result = _require_success(synthesize(context, tmp_path_factory.mktemp("cdk-console-domain")))
    resources = result.template_json()["Resources"]
    assert _viewer_certificate(resources) == {
        "AcmCertificateArn": CERTIFICATE,
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "SslSupportMethod": "sni-only",
    }
    (distribution,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    assert distribution["Properties"]["DistributionConfig"]["Aliases"] == ["console.example.com"]
    suppressed = {r["id"] for r in distribution["Metadata"]["cdk_nag"]["rules_to_suppress"]}
    assert "AwsSolutions-CFR4" not in suppressed  # nothing to excuse
    outputs = result.template_json()["Outputs"]
    assert outputs["ConsoleUrl"]["Value"] == "https://console.example.com/"
    assert "ConsoleDistributionDomain" in outputs
    report_api = resources[logical_id(result.stack.functions.report_api)]
    assert report_api["Properties"]["Environment"]["Variables"][ENV["cors_origins"]] == (
        "https://console.example.com"
    )


@pytest.mark.parametrize(
    ("context", "key"),
    [
        ({"console": "true", "console_domain": "console.example.com"}, "console_certificate_arn"),
        ({"console": "true", "console_certificate_arn": CERTIFICATE}, "console_domain"),
        ({"console_domain": "console.example.com", "console_certificate_arn": CERTIFICATE}, "console_domain"),
        (
            {
                "console": "true",
                "console_domain": "console.example.com",
                "console_certificate_arn": CERTIFICATE.replace("us-east-1", "eu-west-1"),
            },
            "console_certificate_arn",
        ),
        (
            {"console": "true", "console_domain": "not a domain", "console_certificate_arn": CERTIFICATE},
            "console_domain",
        ),
    ],
)
def test_domain_settings_are_checked(context: dict[str, str], key: str) -> None:
    from infra.syncline_infra.context import ContextError, StageConfig

    with pytest.raises(ContextError, match=f"^{key}: "):
        StageConfig.from_mapping(context)


def test_alert_emails_link_to_the_console(resources: dict[str, Any], console: Synthesized) -> None:
    """Issue 30: the links of alert emails open the console's views, not the API (a 401 there)."""
    assert console.stack.console is not None
    distribution = logical_id(console.stack.console.distribution)
    alerts = resources[logical_id(console.stack.functions.alerts)]["Properties"]["Environment"]["Variables"]
    link = alerts[ENV["alert_link_base"]]
    assert link == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}, "/"]]}

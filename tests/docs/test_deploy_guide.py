"""Every command of the deploy guide (infra/README.md) is executed or checked, in the guide's order,
so a command that stops working fails here.

Each command of a fenced `bash` block is classified, and a command no class knows fails the test:

- `curl` (the API): run as written, by bash, against the local stack's API served over HTTP (as
  API Gateway would), with `API` ending in a slash like the `ApiUrl` output; the connectors' base
  URLs point at a fake Shopify and a fake REST warehouse that accept the guide's credentials, so
  the service it creates really pulls and pushes. Each must answer 2xx.
- `syncline ...` (the CLI, from any virtualenv): run in this process against the same stack. The
  key `keys create` prints is the guide's `KEY` from then on; `smoke` must pass; `migrate` runs
  against the stack's syncs table.
- `cdk ...`: the context keys must be the app's; `deploy`, `diff`, `synth` and `destroy` synthesize
  (cdk-nag included) with that context; `bootstrap` names an account and region.
- `make deploy ...`: `make -n` prints its commands, which must install only the `infra` extra and
  synthesize and deploy with the context given.
- `aws ...`: the service, operation and every option must be in botocore's model of the AWS API,
  and the names they use (stack, tables, outputs, secrets prefix) must be the synthesized stack's.
- shell set-up (`cd`, `alias`, `export`, variables, the `out` helper): the paths exist, the outputs
  read are the template's, the `SYNCLINE_*` variables are the ones the functions read.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from syncline.settings import ENV

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "infra" / "README.md"
STAGE = "prod"  # what `<stage>` stands for
CDK_SUBCOMMANDS = ("bootstrap", "deploy", "diff", "synth", "destroy")
# Options of the aws CLI itself, not of an operation.
AWS_GLOBAL_OPTIONS = {"--query", "--output", "--region", "--profile", "--no-cli-pager"}


@dataclass
class Command:
    line: int
    text: str

    @property
    def words(self) -> list[str]:
        return shlex.split(self.text, comments=True)


def guide_commands(text: str) -> Iterator[Command]:
    """The commands of the guide's fenced bash blocks: continuation lines, open quotes, `for ... done`
    and a trailing `|` joined into one command."""
    inside = False
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            inside = line.strip() in ("```bash", "```sh")
            continue
        if not inside or (not pending and not line.strip()):
            continue
        if not pending:
            start = number
        pending.append(line)
        joined = "\n".join(pending)
        if joined.endswith("\\") or joined.rstrip().endswith("|"):
            continue
        if joined.lstrip().startswith("for ") and not re.search(r"^\s*done\s*$", joined, re.M):
            continue
        try:
            words = shlex.split(joined, comments=True)
        except ValueError:  # an open quote: the command goes on
            continue
        pending = []
        if words:
            yield Command(start, joined)


def commands() -> list[Command]:
    return list(guide_commands(GUIDE.read_text(encoding="utf-8")))


def _stage(text: str) -> str:
    return text.replace("<stage>", STAGE)


def cdk_context(words: list[str]) -> dict[str, str]:
    context = {}
    for n, word in enumerate(words):
        if word in ("-c", "--context"):
            key, _, value = words[n + 1].partition("=")
            context[key] = _stage(value)
    return context


# ---------------------------------------------------------------------------- synthesized stacks


@cache
def template(context_items: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The template of the app synthesized with this context (no bundling; cdk-nag runs)."""
    from infra.syncline_infra.app import build_app

    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    context: dict[str, Any] = {**dict(context_items), "aws:cdk:bundling-stacks": []}
    app, stack = build_app(context, outdir=tempfile.mkdtemp(prefix="guide-cdk-"), standalone=True)
    assembly = app.synth()
    data: dict[str, Any] = assembly.get_stack_by_name(stack.stack_name).template
    data["StackName"] = stack.stack_name
    return data


def stage_template(**context: str) -> dict[str, Any]:
    return template(tuple(sorted({"stage": STAGE, **context}.items())))


def physical_names(tpl: dict[str, Any]) -> set[str]:
    names = set()
    for resource in tpl["Resources"].values():
        for key in ("TableName", "QueueName", "FunctionName", "Name", "EmailIdentity"):
            value = resource.get("Properties", {}).get(key)
            if isinstance(value, str):
                names.add(value)
    return names


# ---------------------------------------------------------------------------- the AWS CLI model


def check_aws(words: list[str], tpl: dict[str, Any], variables: dict[str, str]) -> None:
    import botocore.session

    assert words[0] == "aws" and len(words) >= 3, words
    service, operation = words[1], words[2]
    if service == "s3" and operation in ("rb", "rm", "ls", "cp", "mb", "sync"):  # the CLI's own commands
        assert "BucketName" in tpl["Outputs"], "the bucket the guide removes is read from an output"
        return
    session = botocore.session.get_session()
    assert service in session.get_available_services(), f"aws {service}: no such service"
    model = session.get_service_model(service)
    names = {_cli_name(name): name for name in model.operation_names}
    assert operation in names, f"aws {service} {operation}: no such operation"
    shape = model.operation_model(names[operation]).input_shape
    members = shape.members if shape is not None else {}
    accepted = {"--" + _cli_name(name) for name in members} | {
        "--no-" + _cli_name(name) for name, shape in members.items() if shape.type_name == "boolean"
    }
    for word in words[3:]:
        if word.startswith("--"):
            option = word.split("=", 1)[0]
            assert option in accepted | AWS_GLOBAL_OPTIONS, f"aws {service} {operation}: no option {option}"
    given = dict(zip(words, [*words[1:], ""], strict=True))
    if "--stack-name" in given:
        assert variables.get(given["--stack-name"].lstrip("$"), given["--stack-name"]) == tpl["StackName"]
    if "--table-name" in given:
        assert given["--table-name"] in physical_names(tpl), given["--table-name"]
    if "--email-identity" in given and operation == "get-email-identity":
        assert given["--email-identity"] in physical_names(tpl)
    for output in re.findall(r"OutputKey=='(\w+)'", " ".join(words)):
        assert output in tpl["Outputs"] or output.startswith("$"), output
    filters = given.get("--filters", "")
    if filters.startswith("Key=name,Values="):
        prefix = filters.split("=", 2)[2]
        assert tpl["Outputs"]["SecretsPrefix"]["Value"] == prefix, prefix


def _cli_name(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower()


# ---------------------------------------------------------------------------- the walk


@dataclass
class Walk:
    api: str
    stack_prefix: str
    env: dict[str, str]
    variables: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    checked: list[tuple[int, str]] = field(default_factory=list)
    last_context: dict[str, str] = field(default_factory=lambda: {"stage": STAGE})

    def run(self, command: Command, capsys: pytest.CaptureFixture[str]) -> None:
        words = command.words
        head = words[0]
        where = f"infra/README.md:{command.line}: {command.text.splitlines()[0]}"
        if head == "curl":
            self.curl(command.text, where)
            kind = "curl"
        elif head == "syncline" or head.endswith("/bin/syncline"):
            self.syncline(words[1:], where, capsys)
            kind = "cli"
        elif head == "cdk":
            self.cdk(words, where)
            kind = "cdk"
        elif head == "make":
            self.make(words, where)
            kind = "make"
        elif head == "aws":
            self.pipeline(words, where)
            kind = "aws"
        elif head == "for":
            self.loop(command.text, where)
            kind = "aws"
        elif head in ("cd", "alias", "export") or re.match(r"^\w+\(\)$", head) or "=" in head:
            self.shell(command.text, words, where)
            kind = "shell"
        else:
            pytest.fail(f"{where}: a command this test does not know how to check")
        self.checked.append((command.line, kind))

    def _sender(self) -> dict[str, str]:
        sender = self.last_context.get("alertSender")
        return {"alertSender": sender} if sender else {}

    def curl(self, text: str, where: str) -> None:
        script = text + " -o /dev/stdout -w '\\n%{http_code}'"
        done = subprocess.run(
            ["bash", "-c", script], env=self.env, capture_output=True, text=True, timeout=120, check=False
        )
        status = done.stdout.rstrip().rsplit("\n", 1)[-1]
        assert done.returncode == 0 and status.startswith("2"), f"{where}: {status} {done.stdout[-500:]}"

    def syncline(self, args: list[str], where: str, capsys: pytest.CaptureFixture[str]) -> None:
        from syncline import cli

        args = [self._expand(_stage(a).replace(f"syncline-{STAGE}", self.stack_prefix)) for a in args]
        capsys.readouterr()
        code = cli.main(args)
        out = capsys.readouterr().out
        assert code == 0, f"{where}: exit {code}\n{out[-2000:]}"
        if args[:2] == ["keys", "create"]:
            (key,) = re.findall(r"^  (\S+)$", out, re.M)
            self.variables["KEY"] = self.env["KEY"] = key
        if args[0] == "smoke":
            steps = 4 if "--run" in args else 3
            assert f"{steps}/{steps} steps passed" in out, f"{where}: {out[-2000:]}"

    def _expand(self, word: str) -> str:
        return re.sub(r"\$\{?(\w+)\}?", lambda m: self.env.get(m.group(1), m.group(0)), word)

    def cdk(self, words: list[str], where: str) -> None:
        from infra.syncline_infra.context import DEFAULTS, StageConfig

        assert words[1] in CDK_SUBCOMMANDS, f"{where}: cdk {words[1]}"
        if words[1] == "bootstrap":
            assert re.fullmatch(r"aws://\d{12}/[a-z]{2}(-[a-z]+)+-\d", words[2]), where
            return
        context = cdk_context(words)
        assert set(context) <= set(DEFAULTS), f"{where}: unknown context {set(context) - set(DEFAULTS)}"
        StageConfig.from_mapping(context)  # every value accepted
        tpl = template(tuple(sorted(context.items())))
        assert tpl["StackName"] == f"Syncline-{context.get('stage', 'dev')}"
        self.last_context = context

    def make(self, words: list[str], where: str) -> None:
        assert words[1] == "deploy", where
        printed = subprocess.run(
            ["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
        ).stdout
        check_make_deploy(printed, dict(w.split("=", 1) for w in words[2:]))

    def pipeline(self, words: list[str], where: str) -> None:
        """`aws ... | tr ... | xargs ... aws ...`: every aws command of it checked."""
        segments: list[list[str]] = [[]]
        for word in words:
            if word == "|":
                segments.append([])
            else:
                segments[-1].append(word)
        for segment in segments:
            if segment[0] == "xargs" and "aws" in segment:
                segment = segment[segment.index("aws") :]
            if segment[0] == "aws":
                check_aws(segment, stage_template(**self._sender()), self.variables)
            else:
                assert segment[0] == "tr", f"{where}: {segment[0]} in a pipeline"

    def loop(self, text: str, where: str) -> None:
        match = re.match(r"for (\w+) in ([^;]+); do\n(.*)\ndone", text, re.S)
        assert match, where
        name, values, body = match.group(1), match.group(2).split(), match.group(3)
        for value in values:
            for line in body.splitlines():
                words = shlex.split(line.replace(f"${name}", value), comments=True)
                words = [w for w in words if not w.startswith(">")]
                check_aws(words, stage_template(), self.variables)

    def shell(self, text: str, words: list[str], where: str) -> None:
        tpl = stage_template()
        for output in re.findall(r"\$\(out (\w+)\)", text):
            assert output in tpl["Outputs"], f"{where}: no stack output {output}"
        if words[0] == "cd":
            self.cwd = self.cwd / words[1]
            assert self.cwd.is_dir(), where
        elif words[0] == "alias":
            target = words[1].split("=", 1)[1]
            assert target == "../node_modules/.bin/cdk" and (self.cwd / target).exists(), where
        elif words[0] == "export":
            for name in re.findall(r"(?:^|\s)(\w+)=", text.split("#", 1)[0]):
                assert name in set(ENV.values()) | {"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"}, where
        elif re.match(r"^\w+\(\)$", words[0]):  # out() { aws cloudformation describe-stacks ... }
            body = text[text.index("{") + 1 : text.rindex("}")].strip().rstrip(";")
            check_aws(shlex.split(body.replace("$1", "ApiUrl")), tpl, self.variables)
        else:
            name, _, value = text.partition("=")
            self.variables[name] = value.split("#", 1)[0].strip()
            if name == "STACK":
                assert value.strip() == tpl["StackName"], where


def check_make_deploy(printed: str, variables: dict[str, str]) -> None:
    """What `make -n deploy` prints: the infra extra only, then synth, bootstrap and deploy with the
    context the variables give."""
    installs = re.findall(r"pip install .*-e '\.\[([\w,]+)\]'", printed)
    assert installs == ["infra"], printed
    assert "[dev]" not in printed and "[local]" not in printed
    stage = variables.get("STAGE", "dev")
    synth = next(line for line in printed.splitlines() if " synth " in line)
    context = cdk_context(shlex.split(synth.split("&&", 1)[1]))
    expected = {"stage": stage}
    for variable, key in (("ALARM_EMAIL", "alarmEmail"), ("ALERT_SENDER", "alertSender")):
        if variable in variables:
            expected[key] = variables[variable]
    expected |= cdk_context(shlex.split(variables.get("CONTEXT", "")))
    assert context == expected, synth
    order = [line.split("&&", 1)[1].split()[1] for line in printed.splitlines() if "/.bin/cdk " in line]
    assert order == ["synth", "bootstrap", "deploy"], printed
    # between the synth and the deploy: the account's Lambda concurrency against the stack's maxima
    lines = printed.splitlines()
    (check,) = [n for n, line in enumerate(lines) if "-m infra.syncline_infra.limits" in line]
    assert lines[check].endswith(f"infra/cdk.out/Syncline-{stage}.template.json"), lines[check]
    assert [n for n, line in enumerate(lines) if " synth " in line][0] < check
    assert re.search(rf"cdk deploy --app cdk.out .*Syncline-{stage}$", printed, re.M), printed


# ---------------------------------------------------------------------------- the tests


def test_the_guide_has_the_commands_this_test_reads() -> None:
    found = commands()
    heads = {c.words[0].rsplit("/", 1)[-1] for c in found}
    assert {"curl", "syncline", "cdk", "make", "aws", "cd"} <= heads
    assert len(found) >= 30


def test_every_command_of_the_deploy_guide_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from syncline.local.http import ApiServer
    from syncline.local.stack import StackOptions, local_stack
    from tests.fakes.rest import FakeRest
    from tests.fakes.shopify import FakeShopify

    text = GUIDE.read_text(encoding="utf-8")
    # The guide's credentials are placeholders; the fakes accept exactly those.
    shop_token = re.search(r'"access_token": "([^"]+)"', text)
    wms_token = re.search(r'"credentials": \{"token": "([^"]+)"\}', text)
    assert shop_token and wms_token
    with (
        local_stack(StackOptions(records=1)) as stack,
        ApiServer() as server,
        FakeShopify(access_token=shop_token.group(1), n=3) as shop,
        FakeRest(token=wms_token.group(1)) as wms,
    ):
        env = {**os.environ, "API": server.url + "/"}
        walk = Walk(api=env["API"], stack_prefix=stack.aws.prefix, env=env)
        for command in commands():
            command.text = command.text.replace("https://example-shop.myshopify.com", shop.url)
            command.text = command.text.replace("https://wms.example.com/api", wms.url)
            walk.run(command, capsys)
        pushed = [r for r in wms.requests if r.method == "POST" and r.path == "/orders"]
        assert pushed, "the guide's service pushed nothing to the warehouse"
    kinds = {kind for _, kind in walk.checked}
    assert kinds == {"curl", "cli", "cdk", "make", "aws", "shell"}, walk.checked


def test_the_missing_key_answer_is_what_the_guide_says() -> None:
    """The guide quotes the status and code of a request without a key: API Gateway's gateway
    response in the template, and report_api's own answer (the local stack) are both that."""
    from syncline.local.http import proxy_event
    from syncline.local.lambdas import invoke

    quoted = re.search(r'without the header gets\s+`(\d{3}) \{"error": \{"code": "(\w+)"', GUIDE.read_text())
    assert quoted, "the guide no longer says what a request without a key gets"
    status, code = quoted.groups()
    responses = [
        r["Properties"]
        for r in stage_template()["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::GatewayResponse"
        and r["Properties"]["ResponseType"] == "BAD_REQUEST_PARAMETERS"
    ]
    (missing,) = responses
    assert missing["StatusCode"] == status
    assert f'"code": "{code}"' in missing["ResponseTemplates"]["application/json"]
    answer = invoke("report_api", proxy_event("GET", "/reports"))
    assert str(answer["statusCode"]) == status and f'"code": "{code}"' in answer["body"].replace(
        '":"', '": "'
    )


@pytest.mark.parametrize(
    ("args", "context"),
    [
        (["STAGE=prod", "ALARM_EMAIL=ops@example.com"], {"stage": "prod", "alarmEmail": "ops@example.com"}),
        (
            ["STAGE=qa", "CONTEXT=-c retentionDays=90 -c logLevel=DEBUG"],
            {"stage": "qa", "retentionDays": "90"},
        ),
    ],
)
def test_make_deploy_installs_the_infra_extra_only(args: list[str], context: dict[str, str]) -> None:
    printed = subprocess.run(
        ["make", "-n", "deploy", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    check_make_deploy(printed, dict(a.split("=", 1) for a in args))
    for key, value in context.items():
        assert f"-c {key}={value}" in printed


def test_a_wrong_command_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    """The classes above fail on what they are meant to catch, without the stack."""
    with pytest.raises(AssertionError, match="no such operation"):
        check_aws(["aws", "dynamodb", "drop-table", "--table-name", "x"], stage_template(), {})
    with pytest.raises(AssertionError, match="no option --deletion"):
        check_aws(["aws", "dynamodb", "delete-table", "--deletion", "x"], stage_template(), {})
    with pytest.raises(AssertionError):
        check_aws(
            ["aws", "dynamodb", "delete-table", "--table-name", "syncline-prod-cfg"], stage_template(), {}
        )
    walk = Walk(api="http://127.0.0.1:9/", stack_prefix="x", env=dict(os.environ))
    with pytest.raises(AssertionError, match="unknown context"):
        walk.cdk(["cdk", "deploy", "-c", "stage=prod", "-c", "alarmMail=ops@example.com"], "here")
    with pytest.raises(pytest.fail.Exception, match="does not know"):
        walk.run(Command(1, "terraform apply"), capsys)
    with pytest.raises(AssertionError):
        check_make_deploy("pip install --quiet -e '.[dev]'\n", {})
    (joined,) = guide_commands("```bash\ncurl -d '{\n  \"a\": 1\n}' \\\n  -H x\n```\n")
    assert joined.text.count("\n") == 3

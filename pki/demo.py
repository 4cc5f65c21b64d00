"""The PKI's demo step: create the CA, issue a seal maker's and a signer's certificate, revoke a third,
publish CRLs, and show `govnet pki verify` passing and failing with its reasons.

Leaves for later steps, in ``ctx.state["pki"]``: the settings it used (with the passphrase's source),
the serials, and the PEM files it wrote under ``<workdir>/pki/``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from govnet.pki import ca, x509
from govnet.pki.verify import Policy, verify_path
from govnet.secrets import write_secret_file
from govnet.store import Store
from govnet.verdict import Status, Verdict

if TYPE_CHECKING:
    from govnet.demo import DemoContext
    from govnet.settings import Settings

CREDIT_CODE = "11440200007156789D"  # a made-up authority code whose GB 32100 check character is right


def _settings_with_passphrase(ctx: DemoContext) -> Settings:
    """The operator's passphrase if one is configured, else a random one in a 0600 file for this run."""
    pki = ctx.settings.pki
    if pki.passphrase_file or os.environ.get(pki.passphrase_env):
        return ctx.settings
    path = ctx.workdir / "pki" / "passphrase"
    if path.exists():  # a rerun in the same workdir: the CA key is sealed under this one
        ctx.console.print(f"PKI passphrase: none configured, using {path} from an earlier run")
    else:
        write_secret_file(path, secrets.token_urlsafe(24))
        ctx.console.print(f"PKI passphrase: none configured, generated one into {path} (mode 0600)")
    return ctx.settings.model_copy(update={"pki": pki.model_copy(update={"passphrase_file": path})})


def run(ctx: DemoContext) -> None:
    from govnet.output import render_verdict

    ctx.section("PKI: SM2/SM3 certificate authority (GM/T 0015), CRLs and verification")
    settings = _settings_with_passphrase(ctx)
    out = ctx.workdir / "pki"
    out.mkdir(parents=True, exist_ok=True)
    with Store.open(settings.effective_store_url) as store:
        made = _authority(ctx, store, settings)
        if made.intermediate is None:  # only if someone else's CA without an intermediate is here
            ctx.failures.append("pki: the store holds a CA without an issuing intermediate")
            return
        ctx.console.print(f"root CA        {made.root.subject}  serial {made.root.serial}")
        ctx.console.print(f"issuing CA     {made.intermediate.subject}  serial {made.intermediate.serial}")
        seal_maker = ca.issue_certificate(
            store,
            settings,
            profile="seal-maker",
            subject="CN=示例市市场监督管理局制章人",
            organisation="示例市市场监督管理局",
            credit_code=_valid(CREDIT_CODE),
        ).record
        signer = ca.issue_certificate(
            store,
            settings,
            profile="signer",
            subject="CN=王小明",
            organisation="示例市人力资源和社会保障局",
            credit_code=_valid(CREDIT_CODE),
        ).record
        doomed = ca.issue_certificate(
            store,
            settings,
            profile="device",
            subject="CN=county-07-router",
            san=["county-07-router.gov.example"],
        ).record
        for label, record in (("seal maker", seal_maker), ("signer", signer), ("device", doomed)):
            ctx.console.print(f"issued {label:<11} {record.subject}  serial {record.serial}")
        ca.revoke_certificate(store, doomed.serial, "keyCompromise")
        ctx.console.print(f"revoked        {doomed.serial} (keyCompromise)")
        inter_crl = ca.issue_crl(store, settings)
        root_crl = ca.issue_crl(store, settings, ca_serial=made.root.serial)
        ctx.console.print(
            f"CRLs           #{inter_crl.number} from the issuing CA ({inter_crl.revoked} revoked), "
            f"#{root_crl.number} from the root; next update {inter_crl.next_update:%Y-%m-%d}"
        )
        files = {
            "root": made.root.pem,
            "intermediate": made.intermediate.pem,
            "seal_maker": seal_maker.pem,
            "signer": signer.pem,
            "revoked_device": doomed.pem,
            "crl_intermediate": inter_crl.pem,
            "crl_root": root_crl.pem,
        }
        for name, data in files.items():
            (out / f"{name}.pem").write_bytes(data)
        roots = [made.root.certificate]
        inters = [made.intermediate.certificate]
        crls = [x509.load_crl(der, "store") for der in ca.latest_crls(store)]

    def verify(record: ca.CertificateRecord, **policy: object) -> Verdict:
        return verify_path(
            record.certificate,
            intermediates=inters,
            roots=roots,
            crls=crls,
            policy=Policy(allow_empty_sm2_id=settings.pki.allow_empty_sm2_id, **policy),  # type: ignore[arg-type]
        )

    expectations = [
        ("seal maker's certificate, for sealing", verify(seal_maker, purpose="seal-maker"), Status.PASSED),
        ("signer's certificate, for signing", verify(signer, purpose="signer"), Status.PASSED),
        ("revoked device certificate", verify(doomed, purpose="device"), Status.FAILED),
        ("signer's certificate used as a TLS server", verify(signer, purpose="tls-server"), Status.FAILED),
        (
            "seal maker's certificate in 2031",
            verify(seal_maker, purpose="seal-maker", at=dt.datetime(2031, 1, 1, tzinfo=dt.UTC)),
            Status.FAILED,
        ),
    ]
    for title, verdict, expected in expectations:
        ctx.console.print(f"\n[bold]govnet pki verify[/] — {title} (expected {expected.value})")
        if verdict.status is Status.PASSED:
            ctx.console.print(f"verdict: [bold green]PASSED[/] ({len(verdict.checks)} checks)")
        else:
            render_verdict(ctx.console, Verdict(verdict.subject, verdict.failures or verdict.checks))
        if verdict.status is not expected:
            ctx.failures.append(f"pki: {title}: verdict {verdict.status.value}, expected {expected.value}")
    _openssl_check(ctx, out)
    ctx.state["pki"] = {
        "settings": settings,
        "root_serial": made.root.serial,
        "intermediate_serial": made.intermediate.serial,
        "seal_maker_serial": seal_maker.serial,
        "signer_serial": signer.serial,
        "revoked_serial": doomed.serial,
        "files": {name: out / f"{name}.pem" for name in files},
    }


def _authority(ctx: DemoContext, store: Store, settings: Settings) -> ca.InitResult:
    """Create the CA, or reuse the one an earlier run left in this workdir."""
    existing = {a.role: a.record for a in ca.authorities(store)}
    if "root" in existing:
        ctx.console.print("the store already holds a CA (an earlier run in this workdir): reusing it")
        return ca.InitResult(existing["root"], existing.get("intermediate"))
    return ca.init_ca(
        store,
        settings,
        name="CN=示例市电子政务根CA",
        organisation="示例市政务服务数据管理局",
        credit_code=_valid(CREDIT_CODE),
        intermediate_name="CN=示例市电子政务业务CA",
    )


def _valid(code: str) -> str:
    from govnet.pki.uscc import validate_credit_code

    return validate_credit_code(code)


def _openssl_check(ctx: DemoContext, out: Path) -> None:
    """Show that OpenSSL accepts what govnet made (link by link: see docs/pki.md on OpenSSL 3.0)."""
    if shutil.which("openssl") is None:
        ctx.console.print("openssl not installed: interop check skipped")
        return
    distid = "distid:1234567812345678"
    commands = [
        ["openssl", "verify", "-vfyopt", distid, "-CAfile", "root.pem", "intermediate.pem"],
        [
            "openssl",
            "verify",
            "-vfyopt",
            distid,
            "-partial_chain",
            "-CAfile",
            "intermediate.pem",
            "seal_maker.pem",
        ],
    ]
    ctx.console.print("\n[bold]OpenSSL's opinion[/]")
    for command in commands:
        done = subprocess.run(command, cwd=out, capture_output=True, text=True, check=False)
        ctx.console.print(f"$ {' '.join(command)}\n{(done.stdout or done.stderr).strip()}")
        if done.returncode != 0:
            ctx.failures.append(f"pki: OpenSSL rejected {command[-1]}")

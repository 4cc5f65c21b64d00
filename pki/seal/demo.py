"""The seals' demo step: make a seal for a sample organisation with the PKI step's seal maker, sign a
sample licence with the PKI step's signer, verify it, then tamper with a copy and show the check
that fails. The seal maker and the signer sign with the key files the PKI step handed them (the CA
keeps no copy). Leaves ``ctx.state["seal"]`` (the seal id, the files, the signer's key) for later steps
(OFD signing).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govnet.errors import GovnetError, NotFoundError
from govnet.pki.keysource import KeyInput
from govnet.pki.seal.picture import round_seal_png
from govnet.pki.seal.service import MakeSealRequest, SealRecord, SealService, VerifyRequest
from govnet.pki.sm3 import sm3_file
from govnet.store import Store
from govnet.verdict import Status, Verdict

if TYPE_CHECKING:
    from govnet.demo import DemoContext

SEAL_ID = "44030000000001"
LICENCE = """营业执照 (样本)
统一社会信用代码: 91440300MA5XXXXXXX
名称: 示例市数字政务科技有限公司
登记机关: 示例市市场监督管理局
"""


def run(ctx: DemoContext) -> None:
    from govnet.pki.seal.cli import render_verdict

    ctx.section("E-seals: GB/T 38540 seal, signature, verification and a tampered copy")
    pki = ctx.state.get("pki")
    if not pki:
        ctx.failures.append("seal: the PKI step left no seal maker or signer")
        return
    out = ctx.workdir / "seal"
    out.mkdir(parents=True, exist_ok=True)
    settings = pki["settings"]
    try:
        with Store.open(settings.effective_store_url) as store:
            service = SealService(store, settings)
            maker_key, signer_key = (_holder_key(pki, name) for name in ("seal_maker", "signer"))
            ctx.console.print(
                f"keys           {Path(maker_key.source).name}, {Path(signer_key.source).name}: "
                "the key files the PKI step handed the seal maker and the signer (the CA keeps no copy)"
            )
            record = _seal(ctx, service, pki, maker_key)
            (out / "seal.esl").write_bytes(record.der)
            document = out / "licence.txt"
            document.write_text(LICENCE, encoding="utf-8")
            signature = service.sign(
                SEAL_ID, pki["signer_serial"], sm3_file(document), key=signer_key, property_info="licence.txt"
            )
            (out / "licence.txt.ses").write_bytes(signature)
            ctx.console.print(
                f"signed         {document.name} -> {document.name}.ses ({len(signature)} bytes)"
            )
            tampered = out / "licence-tampered.txt"
            tampered.write_text(LICENCE.replace("数字政务", "数宇政务"), encoding="utf-8")
            runs = [
                ("the signed licence", document, Status.PASSED),
                ("a copy with one character changed", tampered, Status.FAILED),
            ]
            for title, path, expected in runs:
                verdict = service.verify(
                    VerifyRequest(signature, source=f"{document.name}.ses", data_hash=sm3_file(path))
                )
                ctx.console.print(f"\n[bold]govnet seal verify[/] — {title} (expected {expected.value})")
                shown = (
                    verdict if verdict.ok else Verdict(verdict.subject, verdict.failures or verdict.checks)
                )
                render_verdict(ctx.console, shown)
                if verdict.status is not expected:
                    ctx.failures.append(
                        f"seal: {title}: verdict {verdict.status.value}, expected {expected.value}"
                    )
    except GovnetError as exc:
        ctx.failures.append(f"seal: {exc}")
        return
    ctx.state["seal"] = {
        "settings": settings,
        "es_id": SEAL_ID,
        "signer_serial": pki["signer_serial"],
        "signer_key": signer_key,
        "files": {"seal": out / "seal.esl", "document": document, "signature": out / "licence.txt.ses"},
    }
    from govnet.pki.ofd import demo as ofd_demo

    ofd_demo.run(ctx)  # the OFD step seals an e-licence with this seal


def _holder_key(pki: dict[str, object], name: str) -> KeyInput:
    """The key file the PKI step handed to a holder, with the holder's passphrase (a 0600 file)."""
    from govnet.secrets import read_secret_file

    keys: dict[str, tuple[Path, Path]] = pki["keys"]  # type: ignore[assignment]
    key_file, passphrase_file = keys[name]
    try:
        data = key_file.read_bytes()
    except OSError as exc:
        raise NotFoundError(f"{key_file}: cannot read the {name} key: {exc.strerror or exc}") from None
    return KeyInput(data, str(key_file), read_secret_file(passphrase_file))


def _seal(ctx: DemoContext, service: SealService, pki: dict[str, object], maker_key: KeyInput) -> SealRecord:
    try:
        record = service.get(SEAL_ID)
        ctx.console.print(
            f"the store already holds seal {SEAL_ID} (an earlier run in this workdir): reusing it"
        )
        return record
    except NotFoundError:
        pass
    record = service.make(
        MakeSealRequest(
            name="示例市市场监督管理局公章",
            picture=round_seal_png(),
            width_mm=42,
            height_mm=42,
            signer_serials=(str(pki["signer_serial"]),),
            maker_serial=str(pki["seal_maker_serial"]),
            es_id=SEAL_ID,
        ),
        maker_key,
    )
    ctx.console.print(
        f"made seal      {record.name} ({record.es_id}), vendor {record.vendor_id}, "
        f"valid until {record.valid_end:%Y-%m-%d}, signed by seal maker {record.maker_serial}"
    )

    return record

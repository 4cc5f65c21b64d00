"""The OFD demo step: make a sample e-licence OFD, seal it on page 1 with the seal step's seal, verify
it, then change one word on the page of a copy and show the one reference that fails. Called from the
seal step (``govnet.pki.seal.demo``), which leaves ``ctx.state["seal"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govnet.errors import GovnetError
from govnet.pki.ofd.sample import build_sample_ofd
from govnet.pki.ofd.service import sign_file, verify_file
from govnet.pki.ofd.sign import Placement
from govnet.pki.seal.service import SealService
from govnet.store import Store
from govnet.verdict import Status, Verdict

if TYPE_CHECKING:
    from govnet.demo import DemoContext

LINES = [
    "营业执照 (电子证照 样本)",
    "统一社会信用代码: 91440300MA5XXXXXXX",
    "名称: 示例市数字政务科技有限公司",
    "登记机关: 示例市市场监督管理局",
]
PAGE = "Doc_0/Pages/Page_0/Content.xml"


def run(ctx: DemoContext) -> None:
    import zipfile

    from govnet.pki.seal.cli import render_verdict

    ctx.section("OFD: seal an e-licence on its page, verify every signature, catch a changed page")
    seal = ctx.state.get("seal")
    if not seal:
        ctx.failures.append("ofd: the seal step left no seal to sign with")
        return
    out = ctx.workdir / "ofd"
    out.mkdir(parents=True, exist_ok=True)
    plain, signed, tampered = out / "licence.ofd", out / "licence-sealed.ofd", out / "licence-tampered.ofd"
    plain.write_bytes(build_sample_ofd([LINES], title="营业执照"))
    settings = seal["settings"]
    try:
        with Store.open(settings.effective_store_url) as store:
            service = SealService(store, settings)
            result = sign_file(
                service,
                plain,
                signed,
                signer_serial=str(seal["signer_serial"]),
                signer_key=seal["signer_key"],
                es_id=str(seal["es_id"]),
                placement=Placement(1, 130, 60),
            )
            ctx.console.print(
                f"sealed         {plain.name} -> {signed.name}: signature {result.signature_id}, "
                f"stamp on page 1 at {result.boundary}, {result.references} parts protected"
            )
            with (
                zipfile.ZipFile(signed) as source,
                zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as copy,
            ):
                for name in source.namelist():
                    data = source.read(name)
                    if name == PAGE:
                        data = data.replace("数字政务".encode(), "数宇政务".encode())
                    copy.writestr(name, data)
            for title, path, expected in (
                ("the sealed OFD", signed, Status.PASSED),
                ("a copy with one character changed on page 1", tampered, Status.FAILED),
            ):
                report = verify_file(service, path)
                ctx.console.print(f"\n[bold]govnet ofd verify[/] — {title} (expected {expected.value})")
                for signature in report.signatures:
                    verdict = signature.verdict
                    shown = Verdict(verdict.subject, verdict.failures) if verdict.failures else verdict
                    render_verdict(ctx.console, shown)
                if report.status is not expected:
                    ctx.failures.append(
                        f"ofd: {title}: verdict {report.status.value}, expected {expected.value}"
                    )
    except GovnetError as exc:
        ctx.failures.append(f"ofd: {exc}")

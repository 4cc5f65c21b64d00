"""OFD documents (GB/T 33190-2016): read them safely, verify every signature in them, sign them.

    from govnet.pki.ofd import Placement, VerifyOptions, sign_ofd, verify_ofd

    report = verify_ofd("licence.ofd", VerifyOptions(trust=trust))   # OfdReport: one Verdict per signature
    report.ok, report.summary()

    sign_ofd("in.ofd", "out.ofd", SealSigner(key, cert, seal_der),
             placement=Placement(page=1, x=120, y=200))               # e-seal (Type="Seal")
    sign_ofd("in.ofd", "out.ofd", PlainSigner(key, cert))              # plain signature (Type="Sign")

Hostile containers (zip bombs, path traversal, DTDs and entity expansion, missing parts) raise
``OfdError`` (an ``InputError``: exit code 2 at the CLI). ``build_sample_ofd`` makes a small valid OFD.
"""

from govnet.pki.ofd.container import DEFAULT_LIMITS, Limits, OfdError, OfdPackage
from govnet.pki.ofd.sample import build_sample_ofd
from govnet.pki.ofd.sign import Placement, PlainSigner, SealSigner, SignResult, ValueSigner, sign_ofd
from govnet.pki.ofd.verify import OfdReport, SignatureReport, VerifyOptions, verify_ofd

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "OfdError",
    "OfdPackage",
    "OfdReport",
    "Placement",
    "PlainSigner",
    "SealSigner",
    "SignResult",
    "SignatureReport",
    "ValueSigner",
    "VerifyOptions",
    "build_sample_ofd",
    "sign_ofd",
    "verify_ofd",
]

"""Signatures without seals, as GM/T 0029 signing servers offer them.

    from govnet.pki.cms import CmsTrust, Style, sign_data, verify_signed_data

    der = sign_data(content, key, cert, detached=False, style=Style.GM)   # GM/T 0010 SignedData
    verdict = verify_signed_data(der, content=None, trust=CmsTrust(roots, intermediates, crls))

Raw SM2 signatures over data or over a caller-computed hash are ``govnet.pki.cms.raw``.
"""

from govnet.pki.cms.signeddata import (
    CmsTrust,
    ParsedSignedData,
    Style,
    parse_signed_data,
    sign_data,
    verify_signed_data,
)

__all__ = ["CmsTrust", "ParsedSignedData", "Style", "parse_signed_data", "sign_data", "verify_signed_data"]

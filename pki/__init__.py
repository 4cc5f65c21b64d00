"""The PKI: SM2/SM3/SM4 cryptography, a certificate authority, CRLs and key storage."""

"""PKI metrics from the pki store: certificate expiry, counts by profile and status, CRL nextUpdate.

Cardinality stays bounded however many e-seal certificates exist: CA certificates always get an
expiry series, other valid certificates only once they fall within the expiry window (60 days by
default, wider than the 30-day alert), and not once expired for more than a day.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select

from govnet.monitor.catalogue import metric
from govnet.pki import ca
from govnet.pki.schema import pki_certificates, pki_crls
from govnet.store import Store


def _gauge(name: str) -> GaugeMetricFamily:
    m = metric(name)
    return GaugeMetricFamily(m.name, m.help, labels=list(m.labels))


def _ts(value: dt.datetime) -> float:
    # SQLite hands back naive datetimes: the store writes UTC
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()


def families(store: Store, window_s: float, now: float | None = None) -> Iterator[Metric]:
    now = time.time() if now is None else now
    expiry = _gauge("govnet_pki_certificate_expiry_timestamp_seconds")
    counts = _gauge("govnet_pki_certificates")
    crl = _gauge("govnet_pki_crl_next_update_timestamp_seconds")
    with store.connect() as conn:
        tally = conn.execute(
            select(pki_certificates.c.profile, pki_certificates.c.status, func.count()).group_by(
                pki_certificates.c.profile, pki_certificates.c.status
            )
        ).all()
        newest = (
            select(pki_crls.c.issuer_serial, func.max(pki_crls.c.number).label("number"))
            .group_by(pki_crls.c.issuer_serial)
            .subquery()
        )
        crls = conn.execute(
            select(pki_crls.c.issuer_serial, pki_crls.c.next_update, pki_certificates.c.subject)
            .join(
                newest,
                (pki_crls.c.issuer_serial == newest.c.issuer_serial) & (pki_crls.c.number == newest.c.number),
            )
            .join(pki_certificates, pki_certificates.c.serial == pki_crls.c.issuer_serial)
        ).all()
    for (profile, status), n in sorted({(p, s): n for p, s, n in tally}.items()):
        counts.add_metric([profile, status], n)
    for record in ca.list_certificates(store, status="valid"):
        not_after = _ts(record.not_after)
        if not_after < now - 86400:
            continue
        if record.is_ca or not_after < now + window_s:
            expiry.add_metric([record.serial, record.subject, record.profile], not_after)
    for issuer_serial, next_update, subject in crls:
        crl.add_metric([subject or issuer_serial], _ts(next_update))
    yield from (expiry, counts, crl)

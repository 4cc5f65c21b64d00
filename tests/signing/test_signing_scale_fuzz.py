"""Property-based fuzzing of the whole API from its own OpenAPI description (schemathesis): every
operation, with a client's token (granted seal A behind a PIN), an administrator's token, and no
token at all, answers anything but a 5xx. A bounded number of examples per operation keeps it well
under two minutes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from signing_kit import ADMIN, PASSPHRASE, World, build_world

from govnet.pki.service import IssueRequest
from govnet.settings import load_settings
from govnet.signing.api.app import create_app
from govnet.store import Store

EXAMPLES = 12  # per operation and kind of caller


@dataclass
class Fuzzed:
    world: World
    headers: dict[str, dict[str, str]]  # kind of caller -> the headers it sends


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """One world for every operation (building it per test would cost more than the fuzzing)."""
    home = tmp_path_factory.mktemp("fuzz-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
        with Store.open(f"sqlite:///{home / 'store.db'}") as store:
            world = build_world(store, load_settings(home=home))
            service = world.service
            # a fully configured service: /tsa answers instead of 503 "no TSA certificate"
            service.pki.issue(IssueRequest(profile="tsa", subject="CN=Test TSA"))
            service.add_client(ADMIN, "fuzz-client")
            service.add_grant(ADMIN, "fuzz-client", world.seal_a, world.signer, pin="13579")
            service.add_client(ADMIN, "fuzz-admin", role="admin")
            client = service.issue_token(ADMIN, "fuzz-client").token
            admin = service.issue_token(ADMIN, "fuzz-admin").token
            yield Fuzzed(
                world,
                {
                    "client": {"Authorization": f"Bearer {client}", "X-Seal-PIN": "13579"},
                    "admin": {"Authorization": f"Bearer {admin}"},
                    "none": {},
                },
            )


@pytest.fixture(scope="module")
def api_schema(fuzzed: Fuzzed, tmp_path_factory: pytest.TempPathFactory) -> schemathesis.BaseSchema:
    app = create_app(fuzzed.world.service, upload_folder=tmp_path_factory.mktemp("uploads"))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


fuzzing = settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)


# admin last: it may revoke what the others use
@pytest.mark.parametrize("caller", ["client", "none", "admin"])
def test_no_request_to_any_operation_gets_a_5xx(
    api_schema: schemathesis.BaseSchema, fuzzed: Fuzzed, caller: str
) -> None:
    # without a token of ours, only what schemathesis generated goes out: no Authorization, or a random one
    extra = fuzzed.headers[caller]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @fuzzing
        def no_5xx(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={**(case.headers or {}), **extra}, checks=[not_a_server_error])

        no_5xx()


def test_the_openapi_description_covers_every_contracted_path(api_schema: schemathesis.BaseSchema) -> None:
    paths = set(api_schema.raw_schema["paths"])
    for path in (
        "/v1/seals/{es_id}/sign",
        "/v1/seals/{es_id}/sign-ofd",
        "/v1/verify/seal-signature",
        "/v1/verify/ofd",
        "/v1/sm2/sign",
        "/v1/sm2/verify",
        "/v1/p7/sign",
        "/v1/p7/verify",
        "/v1/seals",
        "/v1/seals/{es_id}",
        "/v1/certificates/{serial}",
        "/healthz",
        "/metrics",
    ):
        assert path in paths, path

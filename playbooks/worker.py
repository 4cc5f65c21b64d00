"""Run a job through ansible-runner's streaming protocol, as AWX's execution mesh does:
``transmit`` here, ``ansible-runner worker`` in a process started by a command (over SSH, inside a
network namespace, on an execution node), ``process`` back here.

The worker gets the private data dir (inventory, extra vars, environment) and the project (site.yml,
group_vars, the collection) in the stream; it needs ansible-runner, ansible-core and the govnet
package installed where it runs, and the secrets' environment variables (or files) there.
"""

from __future__ import annotations

import shlex
import subprocess
import threading
from typing import Any

from govnet.errors import InputError


def run_via_worker(command: str, kwargs: dict[str, Any]) -> tuple[int, str]:
    """Stream the job described by ``kwargs`` (ansible_runner.run's) to ``command``; returns (rc, status)."""
    import ansible_runner

    argv = shlex.split(command)
    if not argv:
        raise InputError("--via-worker needs a command that starts `ansible-runner worker`")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    except OSError as exc:
        raise InputError(f"--via-worker: cannot start {argv[0]!r}: {exc.strerror}") from None
    assert proc.stdin is not None and proc.stdout is not None
    # Callbacks stay here: the worker enforces the job's own timeout.
    job = {k: v for k, v in kwargs.items() if v is not None and k not in ("event_handler", "cancel_callback")}
    errors: list[BaseException] = []

    def transmit() -> None:
        try:
            ansible_runner.run(streamer="transmit", _output=proc.stdin, **job)
        except BaseException as exc:  # reported after the worker is done
            errors.append(exc)
        finally:
            proc.stdin.close()  # type: ignore[union-attr]

    sender = threading.Thread(target=transmit, daemon=True)
    sender.start()  # while the worker's answers are read, so neither pipe can fill up and stall
    processed = ansible_runner.run(
        streamer="process",
        _input=proc.stdout,
        private_data_dir=job["private_data_dir"],
        ident=job.get("ident"),
        event_handler=kwargs.get("event_handler"),
        quiet=True,
    )
    sender.join()
    worker_rc = proc.wait()
    if errors:
        raise InputError(f"--via-worker: could not send the job: {errors[0]}")
    if worker_rc != 0 and processed.rc in (None, 0):
        raise InputError(f"--via-worker: {argv[0]} exited with {worker_rc} before the job finished")
    status = str(processed.status)
    rc = processed.rc if processed.rc is not None else (0 if status == "successful" else 1)
    return int(rc), status

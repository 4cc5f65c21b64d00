"""govnet: run an e-government extranet and the security services on top of it.

The import package's subpackages are the repository's top-level folders:
``govnet.inventory`` (inventory/), ``govnet.lab`` (lab/), ``govnet.pki`` (pki/), and so on.
This folder holds the small shared core: settings, errors, verdicts and the CLI.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("govnet")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command line: ``python3 capgo_emulator.py [options]`` (or ``python3 -m capgo_emu``)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

from .auth import UUID_RE
from .server import CapgoEmulator


def _parse_args(argv):
    parser = argparse.ArgumentParser(description="Local emulator of the Capgo organization API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", help="JSON seed file (format: tests/emulator/README.md)")
    parser.add_argument("--docs-shapes", action="store_true", help="answer in the public docs' shapes")
    parser.add_argument("--control", action="store_true", help="enable the /_emulator/ test-control API")
    parser.add_argument("--control-allow-host", action="append", default=[], metavar="HOST",
                        help="also accept control requests whose Host is HOST (repeatable; default: loopback only)")
    parser.add_argument("--request-log", help="append every API request as a JSON line to this file")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--fault-429-every", type=int, default=0)
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--fault-503-every", type=int, default=0)
    parser.add_argument("--drop-after-post-every", type=int, default=0)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--rate-limit-per-key", type=int, default=int(os.environ.get("RATE_LIMIT_API_KEY", "2000")))
    parser.add_argument("--failed-auth-limit", type=int, default=int(os.environ.get("RATE_LIMIT_FAILED_AUTH", "20")))
    parser.add_argument("--base-url", help="base of signed storage URLs (default: the emulator URL)")
    parser.add_argument("--admin-key", help="fixed value of the default admin key (without --seed)")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.admin_key and not UUID_RE.match(args.admin_key):
        parser.error("--admin-key must be a UUID")
    return args


def main(argv=None):
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    seed = None
    if args.seed:
        with open(args.seed, encoding="utf-8") as handle:
            seed = json.load(handle)
    emulator = CapgoEmulator(
        seed=seed, docs_shapes=args.docs_shapes, control=args.control, host=args.host, port=args.port,
        request_log_path=args.request_log, tls_cert=args.tls_cert, tls_key=args.tls_key, base_url=args.base_url,
        admin_key=args.admin_key, rate_limit_per_key=args.rate_limit_per_key, failed_auth_limit=args.failed_auth_limit,
        fault_429_every=args.fault_429_every, retry_after=args.retry_after, fault_503_every=args.fault_503_every,
        drop_after_post_every=args.drop_after_post_every, latency_ms=args.latency_ms, hang=args.hang,
        control_hosts=args.control_allow_host)
    stop = threading.Event()

    def _on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    emulator.start()
    sys.stdout.write("CAPGO_EMULATOR_URL=%s\n" % emulator.url)
    if seed is None:
        sys.stdout.write("CAPGO_EMULATOR_KEY=%s\n" % emulator.admin_key)
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    emulator.stop()
    return 0

"""Retry helpers for flaky network calls made by the deployment tools."""

import random
import time


def backoff_delays(attempts, base=0.5, cap=30.0):
    """Yield exponential backoff delays with full jitter, one per retry."""
    for attempt in range(attempts):
        yield random.uniform(0, min(cap, base * 2 ** attempt))


def retry(call, attempts=5, retry_on=(ConnectionError, TimeoutError)):
    """Call `call()` until it succeeds, sleeping between failures; re-raise the last error."""
    last_error = None
    for delay in backoff_delays(attempts):
        try:
            return call()
        except retry_on as error:
            last_error = error
            time.sleep(delay)
    raise last_error


def read_hosts(path):
    """Read one host name per line, skipping blank lines and # comments."""
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]

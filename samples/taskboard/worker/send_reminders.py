"""Reminder worker: asks the Taskboard API which reminders are due and emails each assignee.

Run it next to the API:  python worker/send_reminders.py [--once]
The API token is read from TASKBOARD_API_TOKEN, SMTP credentials from SMTP_USERNAME / SMTP_PASSWORD.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import smtplib
import time
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "taskboard.json"

log = logging.getLogger("taskboard.reminders")


@dataclass(frozen=True)
class WorkerSettings:
    api_base_url: str
    poll_interval_seconds: int
    max_retries: int
    backoff_base_seconds: float
    backoff_max_seconds: float
    smtp_host: str
    smtp_port: int
    smtp_use_starttls: bool
    mail_from: str


def load_settings(path: Path = CONFIG_PATH) -> WorkerSettings:
    worker = json.loads(path.read_text(encoding="utf-8"))["worker"]
    smtp = worker["smtp"]
    return WorkerSettings(
        api_base_url=worker["apiBaseUrl"].rstrip("/"),
        poll_interval_seconds=worker["pollIntervalSeconds"],
        max_retries=worker["maxRetries"],
        backoff_base_seconds=worker["backoffBaseSeconds"],
        backoff_max_seconds=worker["backoffMaxSeconds"],
        smtp_host=smtp["host"],
        smtp_port=smtp["port"],
        smtp_use_starttls=smtp["useStartTls"],
        mail_from=smtp["from"],
    )


class TaskboardClient:
    """The two API calls the worker needs, authenticated with the same bearer token as any client."""

    def __init__(self, base_url: str, token: str) -> None:
        self._base_url = base_url
        self._token = token

    def _request(self, method: str, path: str) -> dict:
        request = urllib.request.Request(
            f"{self._base_url}{path}",
            method=method,
            headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def due_reminders(self) -> list[dict]:
        return self._request("GET", "/reminders/due")["tasks"]

    def mark_reminder_sent(self, task_id: str) -> None:
        self._request("POST", f"/tasks/{task_id}/reminder-sent")


def build_message(task: dict, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = task["assigneeEmail"]
    message["Subject"] = f"Reminder: {task['title']} is due soon"
    body = [f"\"{task['title']}\" is due at {task['dueAt']} (UTC)."]
    if task.get("notes"):
        body += ["", task["notes"]]
    message.set_content("\n".join(body))
    return message


def backoff_delay(attempt: int, settings: WorkerSettings) -> float:
    """Exponential backoff with full jitter: 2s, 4s, 8s ... capped, so many workers do not retry in lockstep."""
    ceiling = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** attempt)
    return random.uniform(0, ceiling)


def send_email(message: EmailMessage, settings: WorkerSettings) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_use_starttls:
            smtp.starttls()
        username = os.environ.get("SMTP_USERNAME")
        if username:
            smtp.login(username, os.environ.get("SMTP_PASSWORD", ""))
        smtp.send_message(message)


def send_with_retry(message: EmailMessage, settings: WorkerSettings) -> bool:
    """Failed email sends are retried with exponential backoff, up to maxRetries times.

    Only temporary failures are retried (connection problems, 4xx replies). A permanent rejection (5xx, e.g. an
    unknown mailbox) will not go away by waiting, so it is logged and the reminder is given up.
    """
    for attempt in range(settings.max_retries + 1):
        try:
            send_email(message, settings)
            return True
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                log.error("mail to %s rejected permanently: %s %s", message["To"], error.smtp_code, error.smtp_error)
                return False
            reason = f"{error.smtp_code} {error.smtp_error!r}"
        except (smtplib.SMTPException, OSError) as error:
            reason = str(error)
        if attempt == settings.max_retries:
            break
        delay = backoff_delay(attempt, settings)
        log.warning("sending to %s failed (%s); retry %d/%d in %.1fs",
                    message["To"], reason, attempt + 1, settings.max_retries, delay)
        time.sleep(delay)
    log.error("giving up on mail to %s after %d retries", message["To"], settings.max_retries)
    return False


def run_once(client: TaskboardClient, settings: WorkerSettings) -> int:
    """Sends every due reminder once; returns how many were delivered."""
    delivered = 0
    for task in client.due_reminders():
        if send_with_retry(build_message(task, settings.mail_from), settings):
            # Marked only after delivery: a crash in between means one duplicate email, never a lost one.
            client.mark_reminder_sent(task["id"])
            delivered += 1
    return delivered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="send what is due now and exit")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    settings = load_settings()
    token = os.environ.get("TASKBOARD_API_TOKEN")
    if not token:
        raise SystemExit("TASKBOARD_API_TOKEN is not set")
    client = TaskboardClient(settings.api_base_url, token)

    while True:
        try:
            log.info("sent %d reminders", run_once(client, settings))
        except OSError as error:
            # The API being down for a minute is normal during deploys; try again next round.
            log.warning("could not reach the API: %s", error)
        if args.once:
            return
        time.sleep(settings.poll_interval_seconds)


if __name__ == "__main__":
    main()

"""Strategy plugin govnet.extranet.linear: ansible-core's linear strategy, waiting for a free worker
slot without spinning.

ansible-core's ``_queue_task`` looks for a free slot in a loop that sleeps 0.1 ms between passes, so
while every fork is busy (more hosts than forks) the controller burns a whole CPU core checking
them — on a small control node that core is taken from the workers doing the pushes. Here the
controller blocks on the workers' process sentinels until one ends, then queues as before.
"""

from __future__ import annotations

from multiprocessing.connection import wait

from ansible.plugins.strategy.linear import StrategyModule as LinearStrategyModule

DOCUMENTATION = r"""
name: linear
short_description: Ansible's linear strategy without a busy wait for free forks
description:
  - Runs like ansible.builtin.linear (each task on every host before the next task), but while all
    forks are busy the controller sleeps until a worker process ends instead of polling every 0.1 ms.
author: govnet
"""


class StrategyModule(LinearStrategyModule):
    def _queue_task(self, host, task, task_vars, play_context):
        workers = self._workers
        while workers and all(w is not None and w.is_alive() for w in workers):
            # A worker's sentinel becomes ready when its process ends; the timeout keeps the loop
            # responsive to anything else (a stopped run) all the same.
            wait([w.sentinel for w in workers], timeout=0.5)
        super()._queue_task(host, task, task_vars, play_context)

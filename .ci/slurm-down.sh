#!/usr/bin/env bash
# Stop what .ci/slurm-up.sh started: cancel any jobs left, then stop slurmd,
# slurmctld and munged, each by its pid file. Idempotent: a daemon that is not
# running is skipped. The packages and /etc/slurm/slurm.conf stay installed.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export PATH="$PATH:/usr/sbin:/sbin"

log() { echo "slurm-down: $*" >&2; }

running() { # running PIDFILE: is the daemon of this pid file alive?
    [ -s "$1" ] && $SUDO kill -0 "$(cat "$1")" 2>/dev/null
}
stop() { # stop NAME PIDFILE
    if running "$2"; then
        local pid
        pid="$(cat "$2")"
        log "stopping $1 (pid $pid)"
        $SUDO kill "$pid"
        for _ in $(seq 100); do
            $SUDO kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.1
        done
        log "$1 did not stop in 10 s; killing it"
        $SUDO kill -9 "$pid" 2>/dev/null || true
    fi
}

if running /run/slurmctld.pid && command -v squeue >/dev/null 2>&1; then
    jobs="$(timeout -k 2 10 squeue -h -t PENDING,RUNNING,SUSPENDED -o %i 2>/dev/null || true)"
    if [ -n "$jobs" ]; then
        log "cancelling jobs: $(echo $jobs)"
        # shellcheck disable=SC2086
        timeout -k 2 10 $SUDO scancel $jobs || true
        for _ in $(seq 50); do
            [ -z "$(timeout -k 2 5 squeue -h -t RUNNING,COMPLETING -o %i 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
fi
stop slurmd /run/slurmd.pid
stop slurmctld /run/slurmctld.pid
stop munged /run/munge/munged.pid

#!/usr/bin/env bash
# Bring up a real single-node Slurm cluster on this machine (for CI and for
# tests/test_slurm.py): munged, slurmctld and slurmd, with the node named after
# `hostname -s` and reachable on 127.0.0.1. Needs root (or sudo) and apt.
# Idempotent: installs only what is missing, rewrites slurm.conf only when it
# changed, starts only daemons that do not answer. Stop everything with
# .ci/slurm-down.sh.
#
# No systemd, no cgroups, no slurmdbd: proctrack/linuxproc, task/none, no
# accounting. Without slurmdbd `sacct` fails, so Snakemake's Slurm plugin must
# poll with squeue (`slurm-status-command: squeue`, set in
# workflow/profiles/slurm/config.yaml); MinJobAge is long so that squeue still
# lists finished jobs when the plugin asks.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

log() { echo "slurm-up: $*" >&2; }

# --- packages -----------------------------------------------------------------
missing=()
for tool in slurmctld:slurmctld slurmd:slurmd sinfo:slurm-client munged:munge; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${tool%%:*}" ] \
        || missing+=("${tool#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout -k 10 600 $SUDO apt-get update -qq
    timeout -k 10 900 $SUDO apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"

# --- munge --------------------------------------------------------------------
if [ ! -s /etc/munge/munge.key ]; then
    log "creating /etc/munge/munge.key"
    $SUDO mkdir -p /etc/munge
    $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
$SUDO chown munge:munge /etc/munge/munge.key
$SUDO chmod 400 /etc/munge/munge.key
$SUDO mkdir -p /run/munge /var/lib/munge /var/log/munge
$SUDO chown munge:munge /run/munge /var/lib/munge /var/log/munge
$SUDO chmod 755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "starting munged"
    $SUDO runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
        sleep 0.1
    done
    munge -n | unmunge >/dev/null
fi

# --- slurm.conf ---------------------------------------------------------------
node="$(hostname -s)"
cpus="$(nproc)"
# 95% of physical memory, in MiB (slurmd is told to trust the config).
memory_mb="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.95 }' /proc/meminfo)"
conf="$(mktemp)"
trap 'rm -f "$conf"' EXIT
cat >"$conf" <<CONF
# Written by .ci/slurm-up.sh: single-node Slurm for CI, no systemd, no cgroups.
ClusterName=colourquant-ci
SlurmctldHost=${node}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
SlurmdParameters=config_overrides
ReturnToService=2
# Snakemake polls with squeue (no slurmdbd, so no sacct): keep finished jobs
# visible for 10 minutes.
MinJobAge=600
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory_mb} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
$SUDO mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
changed=0
if ! cmp -s "$conf" /etc/slurm/slurm.conf; then
    log "writing /etc/slurm/slurm.conf (node $node, $cpus CPUs, $memory_mb MiB)"
    $SUDO install -m 644 "$conf" /etc/slurm/slurm.conf
    changed=1
fi

# --- daemons --------------------------------------------------------------------
running() { # running PIDFILE: is the daemon of this pid file alive?
    [ -s "$1" ] && $SUDO kill -0 "$(cat "$1")" 2>/dev/null
}
stop() { # stop PIDFILE
    if running "$1"; then
        local pid
        pid="$(cat "$1")"
        $SUDO kill "$pid"
        for _ in $(seq 100); do
            $SUDO kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.1
        done
        $SUDO kill -9 "$pid" 2>/dev/null || true
    fi
}
if [ "$changed" = 1 ]; then
    stop /run/slurmd.pid
    stop /run/slurmctld.pid
fi
if ! running /run/slurmctld.pid; then
    log "starting slurmctld"
    $SUDO slurmctld
fi
if ! running /run/slurmd.pid; then
    log "starting slurmd"
    $SUDO slurmd
fi

# --- wait until the node takes jobs -----------------------------------------------
for _ in $(seq 120); do
    state="$(timeout -k 2 5 sinfo -h -n "$node" -o %T 2>/dev/null || true)"
    case "$state" in
        idle* | mixed* | allocated* | completing*) break ;;
        down* | drain* | fail*)
            $SUDO scontrol update NodeName="$node" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.5
done
case "$state" in
    idle* | mixed* | allocated* | completing*) ;;
    *)
        log "node $node did not come up (state: '${state:-no answer}'); logs:"
        tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
        exit 1
        ;;
esac
log "up: $(sinfo -h -o '%P %D %T %c CPUs %m MiB' | head -1)"

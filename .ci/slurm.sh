#!/usr/bin/env bash
# A one-node Slurm for the tests, from Debian's packages (slurmctld, slurmd, munge):
#   .ci/slurm.sh start DIR   writes DIR/slurm.conf (this machine as the only node, in partition 'ci'),
#                            starts munged, slurmctld and slurmd, waits until the node is idle, and
#                            prints the SLURM_CONF path that sbatch, squeue and the tests take
#   .ci/slurm.sh stop DIR    stops them
# The daemons' state, spool, logs and pid files stay in DIR; ports are free ones picked at start.
set -euo pipefail
action="${1:?start DIR, or stop DIR}"
dir="${2:?the folder of the cluster}"

case "$action" in
  start)
    if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
      echo "slurm: installing Debian's slurm-wlm and munge" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
    fi
    mkdir -p "$dir/state" "$dir/spool" /run/munge
    free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
    host="$(hostname -s)"
    cpus="$(nproc)"
    memory_mb=$(( $(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 1024 / 2 ))
    cat >"$dir/slurm.conf" <<CONF
ClusterName=neuralstyle-ci
SlurmctldHost=$host
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    # munged runs as Debian's 'munge' user, with the key its package made.
    if [ ! -f /etc/munge/munge.key ]; then
      runuser -u munge -- mungekey --create >/dev/null
    fi
    chown munge: /run/munge
    if ! pgrep -x munged >/dev/null; then
      runuser -u munge -- munged
    fi
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    for _ in $(seq 1 60); do
      if sinfo -h -o %t 2>/dev/null | grep -qx idle; then
        echo "$SLURM_CONF"
        exit 0
      fi
      sleep 1
    done
    echo "slurm: the node did not become idle within a minute; see $dir/slurmctld.log and $dir/slurmd.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/slurm.conf" ]; then
      SLURM_CONF="$dir/slurm.conf" scontrol shutdown >/dev/null 2>&1 || true
      for _ in $(seq 1 20); do
        pgrep -f -- "-f $dir/slurm.conf" >/dev/null || exit 0
        sleep 0.5
      done
      pkill -KILL -f -- "-f $dir/slurm.conf" || true
    fi
    ;;
  *)
    echo "slurm: unknown action '$action'" >&2
    exit 2
    ;;
esac

#!/bin/bash
# Does a suggested drop-in break the service? Boots Debian 12 with systemd in a container, starts
# real packaged services with the gate's drop-ins, and probes that they still do their work.
# A score can be checked offline (the differential tests); this is the check that cannot.
# Not part of `npm test`: it needs root, systemd-nspawn and Debian's mirror (docs/runtime-check.md).
#
#   runtime-check.sh setup                   build the root file system (once, ~3 minutes)
#   runtime-check.sh boot | stop             boot or power off the container
#   runtime-check.sh check POLICY UNIT...    test the gate's drop-in of each unit under POLICY
#                                            (baseline, strict0 = strict at threshold 0, or any
#                                            built-in policy name at its own threshold;
#                                            none: no drop-in, the control)
#   runtime-check.sh bisect UNIT DROPIN      name the directives of a drop-in that break UNIT
#
# RUNTIME_DIR (default /var/tmp/hardening-gate-runtime) holds the root file system, the drop-ins,
# results.tsv (one line per test) and logs/. The gate run is this checkout's dist/cli.js.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${RUNTIME_DIR:-/var/tmp/hardening-gate-runtime}
ROOT=$WORK/root
NODE=$REPO/node_modules/.bin/node
[ -x "$NODE" ] || NODE=node

PACKAGES=systemd,systemd-sysv,dbus,libpam-systemd,nginx,apache2,lighttpd,redis-server,redis-tools,memcached,\
postgresql,mariadb-server,openssh-server,openssh-client,haproxy,unbound,dns-root-data,dnsmasq,mosquitto,\
mosquitto-clients,prometheus-node-exporter,rsyslog,cron,squid,vsftpd,tor,avahi-daemon,avahi-utils,dnsutils,\
cups,fail2ban,python3-systemd,iptables,snmpd,snmp,nagios-nrpe-server,nagios-nrpe-plugin,munin-node,lldpd,\
curl,netcat-openbsd,logrotate,iproute2,procps

# a command inside the container (host PID 1 is not systemd here: no machinectl, so nsenter)
inside() {
  nsenter -t "$(cat "$WORK/leader.pid")" -m -u -i -n -p -r -w -- /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8 \
    SYSTEMD_PAGER= "$@"
}

setup() {
  command -v mmdebstrap > /dev/null && command -v systemd-nspawn > /dev/null ||
    apt-get install -y systemd-container mmdebstrap
  mkdir -p "$WORK"
  nice -n 19 mmdebstrap --variant=important --include="$PACKAGES" bookworm "$ROOT" http://deb.debian.org/debian
  echo gatect > "$ROOT/etc/hostname"
  # one port 80 and one port 53: apache2 8081, lighttpd 8082, dnsmasq 5354 (unbound keeps 53)
  sed -i 's/^Listen 80$/Listen 8081/' "$ROOT/etc/apache2/ports.conf"
  sed -i 's/<VirtualHost \*:80>/<VirtualHost *:8081>/' "$ROOT/etc/apache2/sites-enabled/000-default.conf"
  sed -i 's/^server.port *= *80$/server.port = 8082/' "$ROOT/etc/lighttpd/lighttpd.conf"
  printf 'port=5354\nlisten-address=127.0.0.1\nbind-interfaces\naddress=/gate.lan/10.1.2.3\n' \
    > "$ROOT/etc/dnsmasq.d/probe.conf"
  printf '\nlisten stats\n    bind 127.0.0.1:8404\n    mode http\n    stats enable\n    stats uri /stats\n' \
    >> "$ROOT/etc/haproxy/haproxy.cfg"
  sed -i 's/^#write_enable=YES/write_enable=YES/' "$ROOT/etc/vsftpd.conf"
  printf '* * * * * root mkdir -p /var/lib/probe; date >> /var/lib/probe/cron.stamp; date >> /root/cron.stamp\n' \
    > "$ROOT/etc/cron.d/probe"
  # fail2ban's sshd jail reads the journal (Debian 12 has no /var/log/auth.log without rsyslog)
  printf '[sshd]\nbackend = systemd\n' > "$ROOT/etc/fail2ban/jail.d/probe.conf"
  install -m 755 "$HERE/probe.sh" "$ROOT/usr/local/sbin/probe"
  mkdir -p -m 700 "$ROOT/root/.ssh"
  ssh-keygen -q -t ed25519 -N '' -f "$ROOT/root/.ssh/probe" -C probe
  cp "$ROOT/root/.ssh/probe.pub" "$ROOT/root/.ssh/authorized_keys"
  chroot "$ROOT" useradd -m -s /bin/bash probe
  echo 'probe:probe-pw' | chroot "$ROOT" chpasswd
}

boot() {
  # --register=no --keep-unit: without a systemd on the host, nspawn cannot create its scope
  # ("Failed to open system bus"); loopback only
  nohup nice -n 19 systemd-nspawn -D "$ROOT" -b --machine=gatect --private-network --register=no \
    --keep-unit --console=passive > "$WORK/nspawn.log" 2>&1 &
  echo $! > "$WORK/nspawn.pid"
  local leader=
  for _ in $(seq 1 30); do
    leader=$(pgrep -P "$(cat "$WORK/nspawn.pid")" -x systemd) && break
    sleep 1
  done
  [ -n "$leader" ] || { echo "the container did not boot: $WORK/nspawn.log" >&2; exit 1; }
  echo "$leader" > "$WORK/leader.pid"
  inside systemctl is-system-running --wait
}

# the gate's drop-ins for the container's units, written to $WORK/dropins/POLICY/UNIT.conf
dropins() {
  local policy=$1
  shift
  local files=() unit
  for unit in "$@"; do
    local file=$ROOT/usr/lib/systemd/system/$unit
    case $unit in *@*.service) file=$ROOT/usr/lib/systemd/system/${unit%%@*}@.service ;; esac
    files+=("$file")
  done
  local options
  case $policy in
    strict0) options=(--policy strict --threshold 0) ;;
    *) options=(--policy "$policy") ;;
  esac
  mkdir -p "$WORK/dropins/$policy"
  "$NODE" "$REPO/dist/cli.js" --systemd-version 252 --format json "${options[@]}" "${files[@]}" \
    > "$WORK/dropins/$policy/report.json"
  "$NODE" -e '
    const fs = require("node:fs")
    const [dir] = process.argv.slice(1)
    for (const unit of JSON.parse(fs.readFileSync(`${dir}/report.json`, "utf8")).units) {
      if (!unit.suggestion) continue
      const name = unit.unit.replace(/@[^.]*\./, "@.")
      fs.writeFileSync(`${dir}/${name}.conf`, unit.suggestion.dropIn)
      fs.appendFileSync(`${dir}/predicted.tsv`, `${name}\t${unit.score}\t${unit.suggestion.score}\n`)
    }' "$WORK/dropins/$policy"
}

# the unit's state once it settles
settled() {
  local state
  for _ in $(seq 1 30); do
    state=$(inside systemctl is-active "$1")
    case $state in active | failed | inactive) break ;; esac
    sleep 1
  done
  sleep 2
  inside systemctl is-active "$1"
}

probed() {
  local output
  for _ in 1 2 3 4; do
    output=$(inside /usr/local/sbin/probe "$1" 2>&1) && { echo ok; return; }
    sleep 3
  done
  echo "FAIL: $output" | tr '\n' ' ' | cut -c1-200
}

# install the drop-in (or none), restart, probe; also reload, log rotation and stop/start
test_unit() {
  local unit=$1 dropin=$2 label=$3
  local dir=$ROOT/etc/systemd/system/$unit.d
  local log=$WORK/logs/$label.$unit.log
  mkdir -p "$WORK/logs"
  local since
  since=$(inside date +%s)
  rm -rf "$dir"
  if [ "$dropin" != none ]; then mkdir -p "$dir" && cp "$dropin" "$dir/hardening.conf"; fi
  inside systemctl daemon-reload
  inside systemctl reset-failed "$unit" 2> /dev/null
  inside systemctl restart "$unit" >> "$log" 2>&1
  local active probe reload=- rotate=- restart offline
  active=$(settled "$unit")
  probe=$(probed "$unit")
  if [ "$(inside systemctl show -P CanReload "$unit")" = yes ]; then
    inside systemctl reload "$unit" >> "$log" 2>&1 && sleep 2
    reload="$(inside systemctl is-active "$unit")/$(probed "$unit")"
  fi
  local package=${unit%.service}
  case $package in postgresql@*) package=postgresql-common ;; tor@*) package=tor ;; esac
  if [ -e "$ROOT/etc/logrotate.d/$package" ]; then
    inside logrotate -f "/etc/logrotate.d/$package" >> "$log" 2>&1
    sleep 3
    rotate="$(inside systemctl is-active "$unit")/$(probed "$unit")"
  fi
  inside systemctl stop "$unit" >> "$log" 2>&1
  inside systemctl start "$unit" >> "$log" 2>&1
  restart="$(settled "$unit")/$(probed "$unit")"
  offline=$(inside systemd-analyze security --offline=true --no-pager "$unit" 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  inside journalctl --no-pager -q -o cat -u "$unit" --since "@$since" >> "$log"
  # back as it was, and it must work again
  rm -rf "$dir"
  inside systemctl daemon-reload
  inside systemctl reset-failed "$unit" 2> /dev/null
  inside systemctl restart "$unit" >> "$log" 2>&1
  local restored
  restored="$(settled "$unit")/$(probed "$unit")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$unit" "$active" "$probe" "$reload" "$rotate" \
    "$restart" "${offline:--}" "$restored" | tee -a "$WORK/results.tsv"
}

check() {
  local policy=$1
  shift
  if [ "$policy" = none ]; then
    # the control: what the service does with no drop-in (node_exporter dies on its own reload)
    for unit in "$@"; do test_unit "$unit" none control; done
    return
  fi
  dropins "$policy" "$@"
  local unit
  for unit in "$@"; do
    local name=$unit
    case $unit in *@*.service) name=${unit%%@*}@.service ;; esac
    local dropin=$WORK/dropins/$policy/$name.conf
    if [ -f "$dropin" ]; then test_unit "$unit" "$dropin" "$policy"; else echo "$unit: no drop-in under $policy"; fi
  done
}

# phases cumulatively, then the first failing phase's directive groups one by one on top of the
# phases before it (a group: the lines under one '# -N.N:' comment)
bisect() {
  local unit=$1 dropin=$2
  local dir=$WORK/bisect/$unit
  rm -rf "$dir" && mkdir -p "$dir"
  awk -v dir="$dir" '
    /^# Phase [0-9]+:/ { phase = $3 + 0; group = 0; next }
    /^# [-+]?[0-9]+\.[0-9]+:/ && phase { group++; next }
    phase && /^[A-Za-z]/ { if (!group) group = 1; print > (dir "/p" phase "g" group) ; print > (dir "/upto" phase) }
  ' "$dropin"
  local previous= failing= phase
  : > "$dir/so-far"
  for phase in $(ls "$dir" | sed -n 's/^upto//p' | sort -n); do
    cat "$dir/upto$phase" >> "$dir/so-far"
    { echo '[Service]'; cat "$dir/so-far"; } > "$dir/cumulative$phase.conf"
    local result
    result=$(test_unit "$unit" "$dir/cumulative$phase.conf" bisect | cut -f3,4)
    echo "phases up to $phase: $result"
    case $result in active*ok) previous=$dir/cumulative$phase.conf ;; *) failing=$phase && break ;; esac
  done
  [ -n "$failing" ] || { echo "no phase breaks $unit"; return; }
  local group
  for group in "$dir"/p"$failing"g*; do
    { if [ -n "$previous" ]; then cat "$previous"; else echo '[Service]'; fi; cat "$group"; } > "$dir/try.conf"
    echo "phases before $failing + $(tr '\n' ' ' < "$group"): $(test_unit "$unit" "$dir/try.conf" bisect | cut -f3,4)"
  done
}

case ${1:-} in
  setup) setup ;;
  boot) boot ;;
  stop) inside systemctl poweroff ;;
  check) shift && check "$@" ;;
  bisect) shift && bisect "$@" ;;
  *) sed -n '2,16p' "$0" && exit 2 ;;
esac

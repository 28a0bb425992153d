#!/bin/bash
# Does a suggested drop-in break the service? Boots Debian 12 with systemd in a container, starts
# real packaged services with the gate's drop-ins, and probes that they still do their work.
# A score can be checked offline (the differential tests); this is the check that cannot.
# Not part of `npm test`: it needs root, systemd-nspawn and Debian's mirror (docs/runtime-check.md).
#
#   runtime-check.sh setup                   build the root file system (once, ~8 minutes)
#   runtime-check.sh configure               configure its services again (after a change here)
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
curl,netcat-openbsd,logrotate,iproute2,procps,\
postfix,bind9,knot,dovecot-imapd,samba,smbclient,rsync,varnish,php8.2-fpm,libfcgi-bin,tomcat10,pgbouncer,\
dnsdist,pdns-recursor,prometheus-alertmanager,prometheus,privoxy,tinyproxy,coturn,redis-sentinel,chrony,\
nftables,zabbix-agent,nut-server,knot-resolver,radicale,\
radvd,ndisc6,keepalived,corosync,openvpn,ufw,rng-tools5,lvm2,slapd,ldap-utils,monit,apt-utils
# ntpsec conflicts with chrony (PACKAGES=... or chroot ROOT apt-get install ntpsec, which removes it)

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
  configure
}

# the services' configuration for the probes (again after a change: each step can run twice)
configure() {
  echo gatect > "$ROOT/etc/hostname"
  # one port 80 and one port 53: apache2 8081, lighttpd 8082, dnsmasq 5354 (unbound keeps 53)
  sed -i 's/^Listen 80$/Listen 8081/' "$ROOT/etc/apache2/ports.conf"
  sed -i 's/<VirtualHost \*:80>/<VirtualHost *:8081>/' "$ROOT/etc/apache2/sites-enabled/000-default.conf"
  sed -i 's/^server.port *= *80$/server.port = 8082/' "$ROOT/etc/lighttpd/lighttpd.conf"
  printf 'port=5354\nlisten-address=127.0.0.1\nbind-interfaces\naddress=/gate.lan/10.1.2.3\n' \
    > "$ROOT/etc/dnsmasq.d/probe.conf"
  grep -q '^listen stats' "$ROOT/etc/haproxy/haproxy.cfg" ||
    printf '\nlisten stats\n    bind 127.0.0.1:8404\n    mode http\n    stats enable\n    stats uri /stats\n' \
      >> "$ROOT/etc/haproxy/haproxy.cfg"
  sed -i 's/^#write_enable=YES/write_enable=YES/' "$ROOT/etc/vsftpd.conf"
  printf '* * * * * root mkdir -p /var/lib/probe; date >> /var/lib/probe/cron.stamp; date >> /root/cron.stamp\n' \
    > "$ROOT/etc/cron.d/probe"
  # fail2ban's sshd jail reads the journal (Debian 12 has no /var/log/auth.log without rsyslog)
  printf '[sshd]\nbackend = systemd\n' > "$ROOT/etc/fail2ban/jail.d/probe.conf"
  install -m 755 "$HERE/probe.sh" "$ROOT/usr/local/sbin/probe"
  mkdir -p -m 700 "$ROOT/root/.ssh"
  [ -f "$ROOT/root/.ssh/probe" ] || ssh-keygen -q -t ed25519 -N '' -f "$ROOT/root/.ssh/probe" -C probe
  cp "$ROOT/root/.ssh/probe.pub" "$ROOT/root/.ssh/authorized_keys"
  chroot "$ROOT" id probe > /dev/null 2>&1 || chroot "$ROOT" useradd -m -s /bin/bash probe
  echo 'probe:probe-pw' | chroot "$ROOT" chpasswd

  # Other ports: named 5300, knotd 5301, pdns_recursor 5302, dnsdist 5303 (forwarding to
  # pdns_recursor), kresd 5304; varnish 6081 in front of nginx; tomcat 8080, pgbouncer 6432,
  # alertmanager 9093, prometheus 9090, privoxy 8118, tinyproxy 8888, coturn 3478, sentinel 26379,
  # zabbix-agent 10050, upsd 3493, radicale 5232; chronyd serves NTP on 123 without touching the
  # clock (-x: nspawn keeps CAP_SYS_TIME from the container, the unit's condition is dropped)
  # postfix: SMTP on 25 and local delivery to /var/mail; dovecot: IMAP on 143 from /var/mail
  echo gatect > "$ROOT/etc/mailname"
  chroot "$ROOT" postconf -e myhostname=gatect mydestination='gatect, localhost' inet_interfaces=all \
    inet_protocols=ipv4 mynetworks=127.0.0.0/8 relayhost=
  # bind9: a zone open to dynamic updates from 127.0.0.1, its journal in /var/lib/bind
  cat > "$ROOT/etc/bind/named.conf.options" << 'EOF'
options {
	directory "/var/cache/bind";
	listen-on port 5300 { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation auto;
};
EOF
  printf 'zone "gate.test" { type master; file "/var/lib/bind/db.gate.test"; allow-update { 127.0.0.1; }; };\n' \
    > "$ROOT/etc/bind/named.conf.local"
  [ -f "$ROOT/var/lib/bind/db.gate.test" ] || {
    printf '$TTL 60\n@ IN SOA ns.gate.test. root.gate.test. 1 60 60 600 60\n@ IN NS ns.gate.test.\nns IN A 127.0.0.1\n' \
      > "$ROOT/var/lib/bind/db.gate.test"
    chroot "$ROOT" chown bind:bind /var/lib/bind/db.gate.test
  }
  # knot: a zone edited through knotc, written back to its file at once
  cat > "$ROOT/etc/knot/knot.conf" << 'EOF'
server:
    rundir: "/run/knot"
    user: knot:knot
    listen: 127.0.0.1@5301
log:
  - target: syslog
    any: info
database:
    storage: "/var/lib/knot"
zone:
  - domain: knot.test
    storage: "/var/lib/knot"
    file: "knot.test.zone"
    zonefile-sync: 0
    zonefile-load: difference-no-serial
    journal-content: all
EOF
  [ -f "$ROOT/var/lib/knot/knot.test.zone" ] || {
    printf '$TTL 60\n@ IN SOA ns.knot.test. root.knot.test. 1 60 60 600 60\n@ IN NS ns.knot.test.\nns IN A 127.0.0.1\n' \
      > "$ROOT/var/lib/knot/knot.test.zone"
    chroot "$ROOT" chown knot:knot /var/lib/knot/knot.test.zone
  }
  # pdns-recursor with a Lua script (LuaJIT), dnsdist forwarding to it with Lua rules
  sed -i '/^local-address=/d; /^local-port=/d; /^lua-dns-script=/d' "$ROOT/etc/powerdns/recursor.conf"
  printf 'local-address=127.0.0.1\nlocal-port=5302\nlua-dns-script=/etc/powerdns/probe.lua\n' \
    >> "$ROOT/etc/powerdns/recursor.conf"
  cat > "$ROOT/etc/powerdns/probe.lua" << 'EOF'
function preresolve(dq)
  if dq.qname:equal("lua.test") then
    local x = 0
    for i = 1, 1000000 do x = x + i % 7 end
    dq:addAnswer(pdns.A, "10.9.8.7")
    return true
  end
  return false
end
EOF
  cat > "$ROOT/etc/dnsdist/dnsdist.conf" << 'EOF'
setLocal('127.0.0.1:5303')
newServer({address = '127.0.0.1:5302', name = 'recursor'})
local x = 0
for i = 1, 3000000 do x = x + i % 7 end
addAction('dnsdist.test.', SpoofAction('10.7.7.7'))
EOF
  # knot-resolver: kresd@1 on 5304 with a local name (its cache in /var/cache/knot-resolver)
  printf "net.listen('127.0.0.1', 5304, { kind = 'dns' })\nmodules = { 'hints > iterate' }\nhints['kresd.gate.lan'] = '10.6.6.6'\ncache.size = 20 * MB\n" \
    > "$ROOT/etc/knot-resolver/kresd.conf"
  # samba: the [homes] share writable (an upload to the probe user's home); nmbd on a veth pair
  # (loopback has no broadcast; the container's kernel has no dummy interfaces)
  sed -i '/^\[homes\]/,/^\[/ s/^\(\s*read only = \)yes/\1no/' "$ROOT/etc/samba/smb.conf"
  printf 'probe-pw\nprobe-pw\n' | chroot "$ROOT" smbpasswd -s -a probe > /dev/null
  cat > "$ROOT/etc/systemd/system/probe-veth.service" << 'EOF'
[Unit]
Description=a broadcast interface for nmbd's probe
Before=nmbd.service smbd.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'ip link add v0 type veth peer name v1; ip addr add 10.99.0.1/24 dev v0; ip link set v1 up; ip link set v0 up'
[Install]
WantedBy=multi-user.target
EOF
  ln -sf /etc/systemd/system/probe-veth.service "$ROOT/etc/systemd/system/multi-user.target.wants/"
  # rsync daemon: a writable module (chrooted, as nobody)
  printf 'uid = nobody\ngid = nogroup\nuse chroot = yes\n[probe]\n  path = /srv/rsync-probe\n  read only = no\n' \
    > "$ROOT/etc/rsyncd.conf"
  mkdir -p "$ROOT/srv/rsync-probe"
  chroot "$ROOT" chown nobody:nogroup /srv/rsync-probe
  # varnish in front of nginx (tomcat has 8080)
  sed -i 's/\.port = "8080";/.port = "80";/' "$ROOT/etc/varnish/default.vcl"
  # php-fpm: a page that saves a session (in /var/lib/php/sessions)
  printf '<?php session_start(); $_SESSION["x"] = $_GET["s"] ?? "x"; echo session_id(), "\\n"; session_write_close();\n' \
    > "$ROOT/var/www/html/probe.php"
  # tomcat: a JSP (compiled in its work directory) that writes a file in its webapps
  cat > "$ROOT/var/lib/tomcat10/webapps/ROOT/probe.jsp" << 'EOF'
<%@ page import="java.nio.file.*" %><%
Path f = Paths.get(System.getProperty("catalina.base"), "webapps", "ROOT", "probe.txt");
Files.writeString(f, request.getParameter("s"));
out.print("wrote " + Files.readString(f));
%>
EOF
  touch "$ROOT/var/lib/tomcat10/webapps/ROOT/probe.txt"
  chroot "$ROOT" chown tomcat:tomcat /var/lib/tomcat10/webapps/ROOT/probe.txt
  # pgbouncer: a database through PostgreSQL's socket, trust on loopback
  grep -q '^probe = ' "$ROOT/etc/pgbouncer/pgbouncer.ini" ||
    sed -i 's/^\[databases\]$/[databases]\nprobe = host=\/var\/run\/postgresql dbname=postgres user=postgres/' \
      "$ROOT/etc/pgbouncer/pgbouncer.ini"
  sed -i 's/^auth_type = .*/auth_type = trust/' "$ROOT/etc/pgbouncer/pgbouncer.ini"
  echo '"postgres" ""' > "$ROOT/etc/pgbouncer/userlist.txt"
  # coturn: long-term credentials, its user in its SQLite database
  printf 'listening-ip=127.0.0.1\nlistening-port=3478\nrelay-ip=127.0.0.1\nrealm=gatect\nlt-cred-mech\nno-tls\nno-dtls\nsyslog\nallow-loopback-peers\ncli-password=probe-cli\n' \
    > "$ROOT/etc/turnserver.conf"
  chroot "$ROOT" turnadmin -a -u probe -r gatect -p probe-pw > /dev/null 2>&1
  chroot "$ROOT" chown -R turnserver:turnserver /var/lib/turn
  # chrony: an NTP server for 127.0.0.1 from its local clock
  # (ntpsec conflicts with chrony: a root file system of its own, or chrony removed for it)
  if [ -f "$ROOT/usr/lib/systemd/system/chrony.service" ]; then
    sed -i '/^ConditionCapability=CAP_SYS_TIME$/d' "$ROOT/usr/lib/systemd/system/chrony.service"
    sed -i 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F 1 -x"/' "$ROOT/etc/default/chrony"
    printf 'allow 127.0.0.1\nlocal stratum 10\n' > "$ROOT/etc/chrony/conf.d/probe.conf"
  fi
  # ntpsec: no servers (no network), the clock left alone (disable kernel, disable ntp), mode 6
  # queries from 127.0.0.1; the unit's ConditionCapability=CAP_SYS_TIME dropped as chrony's
  if [ -f "$ROOT/usr/lib/systemd/system/ntpsec.service" ]; then
    sed -i '/^ConditionCapability=CAP_SYS_TIME$/d' "$ROOT/usr/lib/systemd/system/ntpsec.service"
    printf '%s\n' 'driftfile /var/lib/ntpsec/ntp.drift' 'statsdir /var/log/ntpsec/' 'statistics loopstats' \
      'filegen loopstats file loopstats type day enable' 'disable kernel' 'disable ntp' \
      'restrict default kod nomodify nopeer noquery limited' 'restrict 127.0.0.1' > "$ROOT/etc/ntpsec/ntp.conf"
  fi
  # zabbix-agent: its default configuration (Server=127.0.0.1)
  # nut: a dummy UPS (its driver enabled), upsd on loopback
  sed -i 's/^MODE=.*/MODE=standalone/' "$ROOT/etc/nut/nut.conf"
  grep -q '^\[dummy\]' "$ROOT/etc/nut/ups.conf" ||
    printf '[dummy]\n  driver = dummy-ups\n  port = dummy.dev\n  desc = "probe"\n' >> "$ROOT/etc/nut/ups.conf"
  printf 'ups.status: OL\nbattery.charge: 100\nups.model: probe\n' > "$ROOT/etc/nut/dummy.dev"
  printf 'LISTEN 127.0.0.1 3493\n' > "$ROOT/etc/nut/upsd.conf"
  printf '[probe]\n  password = probe-pw\n  actions = SET\n  instcmds = ALL\n' > "$ROOT/etc/nut/upsd.users"
  chroot "$ROOT" sh -c 'chgrp nut /etc/nut/*; chmod 640 /etc/nut/*'
  mkdir -p "$ROOT/etc/systemd/system/nut-driver.target.wants"
  ln -sf /usr/lib/systemd/system/nut-driver@.service \
    "$ROOT/etc/systemd/system/nut-driver.target.wants/nut-driver@dummy.service"
  # radicale: a user (plain htpasswd) who creates a calendar and an event
  cat > "$ROOT/etc/radicale/config" << 'EOF'
[server]
hosts = 127.0.0.1:5232
[auth]
type = htpasswd
htpasswd_filename = /etc/radicale/users
htpasswd_encryption = plain
[storage]
filesystem_folder = /var/lib/radicale/collections
EOF
  echo 'probe:probe-pw' > "$ROOT/etc/radicale/users"
  chroot "$ROOT" sh -c 'chgrp radicale /etc/radicale/users; chmod 640 /etc/radicale/users'
  # (Debian 12's package leaves its collections to root)
  chroot "$ROOT" chown radicale:radicale /var/lib/radicale/collections
  # nftables: a table of the probe's own; logrotate.service: a log it rotates at each run
  grep -q 'table inet probe' "$ROOT/etc/nftables.conf" ||
    printf 'table inet probe {\n\tset seen {\n\t\ttype ipv4_addr\n\t\telements = { 192.0.2.9 }\n\t}\n}\n' \
      >> "$ROOT/etc/nftables.conf"
  printf '/var/log/probe-rotate.log {\n  size 1\n  rotate 2\n  missingok\n  create 0640 root adm\n}\n' \
    > "$ROOT/etc/logrotate.d/zz-probe"
  echo start >> "$ROOT/var/log/probe-rotate.log"

  # Session 29. radvd: router advertisements on v0 (probe-veth's pair), read by rdisc6 on v1
  printf 'interface v0 {\n  AdvSendAdvert on;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 4;\n  prefix 2001:db8:99::/64 { };\n};\n' \
    > "$ROOT/etc/radvd.conf"
  sed -i 's/^Before=nmbd.service smbd.service$/Before=nmbd.service smbd.service radvd.service keepalived.service/' \
    "$ROOT/etc/systemd/system/probe-veth.service"
  # keepalived: one VRRP instance on v0 that becomes master and holds a virtual address
  printf '%s\n' 'global_defs {' '  router_id gatect' '}' 'vrrp_instance probe {' '  state BACKUP' \
    '  interface v0' '  virtual_router_id 51' '  priority 100' '  advert_int 1' '  virtual_ipaddress {' \
    '    10.99.0.100/24 dev v0' '  }' '}' > "$ROOT/etc/keepalived/keepalived.conf"
  # corosync: Debian's configuration is one node on 127.0.0.1 (knet), kept as it is
  # openvpn: a point-to-point server with a static key on a TUN device (boot with
  # NSPAWN_BIND=/dev/net/tun); the probe connects a client with the same key
  [ -f "$ROOT/etc/openvpn/server/static.key" ] ||
    chroot "$ROOT" openvpn --genkey secret /etc/openvpn/server/static.key
  printf '%s\n' 'dev tun0' 'proto udp' 'lport 1194' 'ifconfig 10.8.0.1 10.8.0.2' 'secret static.key 0' \
    'cipher AES-256-CBC' 'data-ciphers AES-256-CBC' 'user nobody' 'group nogroup' 'persist-tun' 'persist-key' \
    'keepalive 2 10' 'verb 3' > "$ROOT/etc/openvpn/server/probe.conf"
  # and the older openvpn@.service (--daemon, its PID file in /run/openvpn): the same on 1195, tun2
  sed 's/^dev tun0$/dev tun2/; s/^lport 1194$/lport 1195/; s/^ifconfig .*/ifconfig 10.8.1.1 10.8.1.2/; s|^secret static.key|secret /etc/openvpn/server/static.key|' \
    "$ROOT/etc/openvpn/server/probe.conf" > "$ROOT/etc/openvpn/probe2.conf"
  # ufw: enabled, with a rule of its own
  sed -i 's/^ENABLED=.*/ENABLED=yes/' "$ROOT/etc/ufw/ufw.conf"
  grep -q 'dport 2222' "$ROOT/etc/ufw/user.rules" ||
    sed -i 's/^### RULES ###$/### RULES ###\n\n### tuple ### allow tcp 2222 0.0.0.0\/0 any 0.0.0.0\/0 in\n-A ufw-user-input -p tcp --dport 2222 -j ACCEPT/' \
      "$ROOT/etc/ufw/user.rules"
  # apt-daily: a local file:// repository (the container has no network), its list fetched at each run
  mkdir -p "$ROOT/srv/repo"
  cp "$ROOT"/var/cache/apt/archives/ndisc6_*.deb "$ROOT/srv/repo/" 2> /dev/null
  chroot "$ROOT" sh -c 'cd /srv/repo && apt-ftparchive packages . > Packages && apt-ftparchive release . > Release'
  echo 'deb [trusted=yes] file:/srv/repo ./' > "$ROOT/etc/apt/sources.list.d/probe.list"
  # monit (an init script only): its HTTP interface on 127.0.0.1, watching cron
  printf '%s\n' 'set daemon 10' 'set httpd port 2812 and use address 127.0.0.1 allow 127.0.0.1' \
    'check process cron with pidfile /run/crond.pid' > "$ROOT/etc/monit/conf.d/probe"
  chmod 600 "$ROOT/etc/monit/conf.d/probe"
  # slapd (an init script only): the database's root DN gets a password; cn=config stays root's over
  # ldapi (the probe changes it online: /etc/ldap/slapd.d)
  printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcRootPW\nolcRootPW: probe-pw\n' |
    chroot "$ROOT" slapmodify -q -n0 -F /etc/ldap/slapd.d
  chroot "$ROOT" chown -R openldap:openldap /etc/ldap/slapd.d
  printf 'APT::Periodic::Update-Package-Lists "always";\nAPT::Periodic::Download-Upgradeable-Packages "always";\nAPT::Periodic::RandomSleep "0";\n' \
    > "$ROOT/etc/apt/apt.conf.d/99probe"
}

boot() {
  # --register=no --keep-unit: without a systemd on the host, nspawn cannot create its scope
  # ("Failed to open system bus"); loopback only. The console's output goes to nspawn.log: with
  # --console=passive nothing read it, and at poweroff systemd blocked writing its status lines
  # NSPAWN_BIND: host devices for the container, e.g. "/dev/net/tun /dev/hwrng" (openvpn, rngd)
  local binds=() device
  for device in ${NSPAWN_BIND:-}; do binds+=("--bind=$device"); done
  nohup nice -n 19 systemd-nspawn -D "$ROOT" -b --machine=gatect --private-network --register=no \
    --keep-unit --console=read-only "${binds[@]}" > "$WORK/nspawn.log" 2>&1 &
  echo $! > "$WORK/nspawn.pid"
  local leader=
  for _ in $(seq 1 30); do
    leader=$(pgrep -P "$(cat "$WORK/nspawn.pid")" -x systemd) && break
    sleep 1
  done
  [ -n "$leader" ] || { echo "the container did not boot: $WORK/nspawn.log" >&2; exit 1; }
  echo "$leader" > "$WORK/leader.pid"
  # until systemd's private socket is there, systemctl says "offline" at once, even with --wait
  for _ in $(seq 1 30); do
    [ "$(inside systemctl is-system-running 2> /dev/null)" != offline ] && break
    sleep 1
  done
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
    if [ ! -e "$file" ]; then
      # a service with an init script only (slapd, monit): the unit systemd-sysv-generator made,
      # copied to /etc/systemd/system (the same unit; systemd-analyze --offline finds no generated one)
      file=$ROOT/etc/systemd/system/$unit
      [ -s "$file" ] || {
        inside cat "/run/systemd/generator.late/$unit" > "$file" && inside systemctl daemon-reload
      } || rm -f "$file"
    fi
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
  inside /usr/local/sbin/probe "$unit" prepare >> "$log" 2>&1
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
  inside /usr/local/sbin/probe "$unit" prepare >> "$log" 2>&1
  inside systemctl start "$unit" >> "$log" 2>&1
  restart="$(settled "$unit")/$(probed "$unit")"
  offline=$(inside systemd-analyze security --offline=true --no-pager "$unit" 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  inside journalctl --no-pager -q -o cat -u "$unit" --since "@$since" >> "$log"
  # back as it was, and it must work again
  rm -rf "$dir"
  inside systemctl daemon-reload
  inside systemctl reset-failed "$unit" 2> /dev/null
  inside /usr/local/sbin/probe "$unit" prepare >> "$log" 2>&1
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
  configure) configure ;;
  boot) boot ;;
  stop) inside systemctl poweroff ;;
  check) shift && check "$@" ;;
  bisect) shift && bisect "$@" ;;
  *) sed -n '2,17p' "$0" && exit 2 ;;
esac

#!/bin/bash
# Functional probe of one service, run INSIDE the booted container: probe.sh UNIT (exit 0: works).
# A probe does real work where the service keeps its data (a write, a save, a login, an upload), so
# hardening that makes the place read-only or hides it fails the probe, not only the start.
# Ports are the ones setup.sh gives the services (apache2 8081, lighttpd 8082: one port 80).
unit=${1%.service}
stamp=$(date +%s%N)
limit() { timeout 15 "$@"; }
# probe.sh UNIT prepare: the harness runs it before each start, so that the probe can tell what the
# start did (ufw's sysctl.conf: its keys put back to the kernel's defaults first)
if [ "${2:-}" = prepare ]; then
  case "$unit" in
    ufw) sysctl -q -w net.ipv4.conf.default.accept_redirects=1 net.ipv4.icmp_ignore_bogus_error_responses=0 ;;
    radvd) sysctl -q -w net.ipv6.conf.v0.hop_limit=50 ;;
  esac
  exit 0
fi
case "$unit" in
  nginx) limit curl -fsS -o /dev/null -w '%{http_code}\n' http://127.0.0.1:80/ ;;
  apache2) limit curl -fsS -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8081/ ;;
  lighttpd) limit curl -fsS -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8082/ ;;
  redis-server)
    limit redis-cli set probe "$stamp" | grep -q OK && [ "$(limit redis-cli get probe)" = "$stamp" ] || exit 1
    limit redis-cli bgsave > /dev/null
    sleep 2
    saved=$(limit redis-cli info persistence | tr -d '\r' | grep rdb_last_bgsave_status)
    echo "set/get ok; $saved"
    [ "$saved" = rdb_last_bgsave_status:ok ] ;;
  memcached)
    reply=$(printf 'set probe 0 0 2\r\nok\r\nget probe\r\nquit\r\n' | limit nc -q2 127.0.0.1 11211 | tr -d '\r')
    echo "$reply" | tr '\n' ' '
    echo "$reply" | grep -q '^VALUE probe' ;;
  postgresql@*)
    limit runuser -u postgres -- psql -qAt -c \
      "create table if not exists probe(x bigint); insert into probe values($stamp); checkpoint; select count(*) from probe" ;;
  mariadb)
    limit mysql -N -e "create database if not exists probe; create table if not exists probe.t(x bigint);
      insert into probe.t values($stamp); flush tables; select count(*) from probe.t" ;;
  ssh)
    limit ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 \
      -i /root/.ssh/probe root@127.0.0.1 'id -un; echo x > /tmp/probe && cat /tmp/probe' 2> /dev/null |
      tr '\n' ' ' | grep -q 'root x' && echo 'login ok' ;;
  haproxy) limit curl -fsS -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8404/stats ;;
  unbound)
    answer=$(limit dig +short +time=3 +tries=1 @127.0.0.1 localhost A)
    echo "$answer"
    [ "$answer" = 127.0.0.1 ] ;;
  dnsmasq)
    answer=$(limit dig +short +time=3 +tries=1 -p 5354 @127.0.0.1 probe.gate.lan A)
    echo "$answer"
    [ "$answer" = 10.1.2.3 ] ;;
  mosquitto)
    limit mosquitto_pub -h 127.0.0.1 -t probe/t -r -m "$stamp" || exit 1
    answer=$(limit mosquitto_sub -h 127.0.0.1 -t probe/t -C 1 -W 5)
    echo "$answer"
    [ "$answer" = "$stamp" ] ;;
  prometheus-node-exporter)
    metrics=$(limit curl -fsS http://127.0.0.1:9100/metrics) || exit 1
    # every collector must work, the network ones included (they list interfaces by netlink)
    failed=$(echo "$metrics" | grep '^node_scrape_collector_success' | grep ' 0$')
    echo "$(echo "$metrics" | grep -c '^node_') metrics; failed collectors: ${failed:-none}"
    [ -z "$(echo "$failed" | grep -E 'netdev|netclass|netstat')" ] ;;
  rsyslog)
    logger -t probe "mark-$stamp"
    sleep 2
    grep -q "mark-$stamp" /var/log/syslog && echo "line in /var/log/syslog" ;;
  squid) limit curl -fsS -o /dev/null -w '%{http_code}\n' -x http://127.0.0.1:3128 http://127.0.0.1:80/ ;;
  vsftpd)
    limit curl -fsS -u probe:probe-pw ftp://127.0.0.1/ > /dev/null && echo 'list ok' &&
      printf 'up-%s' "$stamp" | limit curl -fsS -u probe:probe-pw -T - ftp://127.0.0.1/up.txt &&
      grep -q "up-$stamp" /home/probe/up.txt && echo 'upload ok' ;;
  tor@default) limit nc -z -w 5 127.0.0.1 9050 && echo 'socks port open' ;;
  avahi-daemon) limit busctl call org.freedesktop.Avahi / org.freedesktop.Avahi.Server GetVersionString ;;
  cron)
    # /etc/cron.d/probe writes every minute below /var/lib and in /root
    state() { stat -c %Y "$1" 2> /dev/null || echo 0; }
    lib0=$(state /var/lib/probe/cron.stamp)
    root0=$(state /root/cron.stamp)
    for _ in $(seq 1 70); do
      sleep 1
      [ "$(state /var/lib/probe/cron.stamp)" -gt "$lib0" ] && break
    done
    [ "$(state /var/lib/probe/cron.stamp)" -gt "$lib0" ] && [ "$(state /root/cron.stamp)" -gt "$root0" ] &&
      echo 'job ran' ;;
  cups)
    limit lpstat -r | grep -q 'is running' &&
      limit curl -fsS -o /dev/null -w '%{http_code}\n' http://127.0.0.1:631/ &&
      limit lpadmin -p probe -E -v file:///dev/null && limit lpstat -p probe && lpadmin -x probe ;;
  fail2ban)
    # a ban must reach the firewall
    limit fail2ban-client ping && limit fail2ban-client status sshd | head -3 || exit 1
    limit fail2ban-client set sshd banip 192.0.2.7 > /dev/null
    sleep 1
    banned=$(iptables -S 2> /dev/null | grep -c 192.0.2.7)
    limit fail2ban-client set sshd unbanip 192.0.2.7 > /dev/null
    [ "$banned" -gt 0 ] && echo 'ban reached iptables' ;;
  snmpd) limit snmpget -v2c -c public 127.0.0.1 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.3.0 ;;
  nagios-nrpe-server) limit /usr/lib/nagios/plugins/check_nrpe -H 127.0.0.1 ;;
  munin-node)
    reply=$(printf 'list\nfetch uptime\nquit\n' | limit nc -q3 127.0.0.1 4949)
    echo "$reply" | tail -2
    echo "$reply" | grep -q 'uptime.value' ;;
  lldpd) limit lldpcli show chassis | grep -q ChassisID && echo 'lldpcli ok' ;;
  postfix@-)
    # SMTP in, local delivery out to /var/mail
    printf 'Subject: probe\r\n\r\nmark-%s\r\n' "$stamp" |
      limit curl -fsS --mail-from root@gatect --mail-rcpt probe@gatect -T - smtp://127.0.0.1/ || exit 1
    for _ in $(seq 1 10); do
      grep -qs "mark-$stamp" /var/mail/probe && echo 'delivered to /var/mail/probe' && exit 0
      sleep 1
    done
    exit 1 ;;
  dovecot)
    # an IMAP login and an APPEND to the INBOX (/var/mail/probe), found again by a search
    printf 'Subject: imap\r\n\r\nimap-%s\r\n' "$stamp" > /tmp/imap-probe
    limit curl -fsS -u probe:probe-pw -T /tmp/imap-probe imap://127.0.0.1/INBOX || exit 1
    limit curl -fsS -u probe:probe-pw imap://127.0.0.1/INBOX -X "SEARCH BODY imap-$stamp" | tr -d '\r' |
      grep -q '^\* SEARCH [0-9]' && echo 'appended and found' ;;
  named)
    # a dynamic update (the zone's journal in /var/lib/bind), then the answer
    printf 'server 127.0.0.1 5300\nzone gate.test\nupdate delete p.gate.test TXT\nupdate add p.gate.test 60 TXT "%s"\nsend\n' \
      "$stamp" | limit nsupdate || exit 1
    answer=$(limit dig +short +time=3 +tries=1 -p 5300 @127.0.0.1 p.gate.test TXT)
    echo "$answer"
    [ "$answer" = "\"$stamp\"" ] && limit rndc status | grep -q 'server is up' ;;
  knot)
    # a zone transaction through knotc, written to the zone file in /var/lib/knot
    limit knotc zone-begin knot.test > /dev/null && limit knotc zone-unset knot.test p > /dev/null 2>&1
    limit knotc zone-set knot.test p 60 TXT "$stamp" > /dev/null && limit knotc zone-commit knot.test > /dev/null ||
      { limit knotc zone-abort knot.test; exit 1; }
    answer=$(limit dig +short +time=3 +tries=1 -p 5301 @127.0.0.1 p.knot.test TXT)
    echo "$answer"
    sleep 1
    [ "$answer" = "\"$stamp\"" ] && grep -q "$stamp" /var/lib/knot/knot.test.zone ;;
  pdns-recursor)
    answer=$(limit dig +short +time=3 +tries=1 -p 5302 @127.0.0.1 lua.test A)
    echo "$answer"
    [ "$answer" = 10.9.8.7 ] && limit rec_control ping | grep -q pong ;;
  dnsdist)
    # its own Lua rule, and a query forwarded to pdns-recursor
    answer=$(limit dig +short +time=3 +tries=1 -p 5303 @127.0.0.1 dnsdist.test A)
    forwarded=$(limit dig +short +time=3 +tries=1 -p 5303 @127.0.0.1 lua.test A)
    echo "$answer $forwarded"
    [ "$answer" = 10.7.7.7 ] && [ "$forwarded" = 10.9.8.7 ] ;;
  kresd@1)
    answer=$(limit dig +short +time=3 +tries=1 -p 5304 @127.0.0.1 kresd.gate.lan A)
    echo "$answer"
    [ "$answer" = 10.6.6.6 ] && echo 'cache.count()' | limit nc -q1 -U /run/knot-resolver/control/1 | grep -q '[0-9]' ;;
  smbd)
    # an upload to the [homes] share
    printf 'smb-%s' "$stamp" > /tmp/smb-probe
    limit smbclient -U probe%probe-pw //127.0.0.1/probe -c 'put /tmp/smb-probe smb-up.txt' > /dev/null 2>&1
    grep -q "smb-$stamp" /home/probe/smb-up.txt && echo 'upload ok' ;;
  nmbd)
    answer=$(limit nmblookup -U 10.99.0.1 GATECT 2>&1 | grep 'GATECT<00>')
    echo "$answer"
    [ -n "$answer" ] ;;
  rsync)
    printf 'rsync-%s' "$stamp" > /tmp/rsync-probe
    limit rsync /tmp/rsync-probe rsync://127.0.0.1/probe/up.txt &&
      grep -q "rsync-$stamp" /srv/rsync-probe/up.txt && echo 'upload ok' ;;
  varnish)
    # a request through the cache, and a new VCL compiled (in /var/lib/varnish) and discarded
    limit curl -fsS -o /dev/null -w '%{http_code}\n' http://127.0.0.1:6081/ || exit 1
    limit varnishadm vcl.load "p$stamp" /etc/varnish/default.vcl > /dev/null &&
      limit varnishadm vcl.discard "p$stamp" > /dev/null && echo 'VCL compiled' ;;
  php8.2-fpm)
    # a FastCGI request that saves a session (/var/lib/php/sessions)
    id=$(SCRIPT_FILENAME=/var/www/html/probe.php REQUEST_METHOD=GET QUERY_STRING="s=$stamp" \
      limit cgi-fcgi -bind -connect /run/php/php8.2-fpm.sock | tr -d '\r' | tail -1)
    echo "session $id"
    [ -n "$id" ] && grep -q "$stamp" "/var/lib/php/sessions/sess_$id" ;;
  tomcat10)
    # a JSP compiled (in /var/cache/tomcat10) that writes below its webapps; tomcat starts slowly
    for _ in $(seq 1 40); do nc -z 127.0.0.1 8080 && break; sleep 1; done
    limit curl -fsS "http://127.0.0.1:8080/probe.jsp?s=$stamp" | grep -q "wrote $stamp" &&
      [ "$(cat /var/lib/tomcat10/webapps/ROOT/probe.txt)" = "$stamp" ] && echo 'JSP wrote its file' ;;
  pgbouncer)
    limit psql -h 127.0.0.1 -p 6432 -U postgres -qAt probe -c \
      "create table if not exists pgb(x bigint); insert into pgb values($stamp); select count(*) from pgb" ;;
  prometheus-alertmanager)
    id=$(limit amtool --alertmanager.url=http://127.0.0.1:9093 silence add "probe=$stamp" -c probe -d 1h) || exit 1
    limit amtool --alertmanager.url=http://127.0.0.1:9093 silence query -q "probe=$stamp" | grep -qx "$id" &&
      echo "silence $id" ;;
  prometheus)
    # its own scrape stored in its TSDB (/var/lib/prometheus/metrics2)
    for _ in $(seq 1 30); do
      out=$(limit curl -fsS 'http://127.0.0.1:9090/api/v1/query?query=prometheus_tsdb_head_samples_appended_total')
      echo "$out" | grep -q '"value":\[[0-9.]*,"[1-9]' && echo 'samples appended' && exit 0
      sleep 1
    done
    echo "$out"
    exit 1 ;;
  privoxy) limit curl -fsS -o /dev/null -w '%{http_code}\n' -x http://127.0.0.1:8118 http://127.0.0.1:80/ ;;
  tinyproxy) limit curl -fsS -o /dev/null -w '%{http_code}\n' -x http://127.0.0.1:8888 http://127.0.0.1:80/ ;;
  coturn)
    # a TURN allocation with the user from its SQLite database (/var/lib/turn), data relayed
    out=$(limit turnutils_uclient -y -u probe -w probe-pw -r 3478 -n 2 -m 1 -l 100 127.0.0.1 2>&1)
    echo "$out" | grep -E 'Total (lost|transmit)' | tr '\n' ' '
    echo "$out" | grep -q 'Total lost packets 0 ' ;;
  redis-sentinel)
    # a SENTINEL SET, which rewrites its configuration file (/etc/redis/sentinel.conf)
    value=$((30000 + stamp % 1000))
    limit redis-cli -p 26379 sentinel set mymaster down-after-milliseconds "$value" | grep -q OK &&
      grep -q "down-after-milliseconds mymaster $value" /etc/redis/sentinel.conf && echo "config rewritten" ;;
  chrony)
    # an NTP answer served from its local clock, and chronyc through its socket in /run/chrony
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
s.sendto(b"\x23" + 47 * b"\0", ("127.0.0.1", 123))
data = s.recv(48); print("stratum", data[1]); sys.exit(0 if data[1] == 10 else 1)' || exit 1
    limit chronyc -n tracking | grep -q 'Stratum *: 10' ;;
  zabbix-agent)
    # items that read other processes, the interfaces and the file systems
    python3 -c '
import socket, struct
def get(key):
    s = socket.create_connection(("127.0.0.1", 10050), 5)
    s.sendall(b"ZBXD\x01" + struct.pack("<Q", len(key)) + key.encode())
    data = b""
    while chunk := s.recv(4096): data += chunk
    return data[13:].decode()
items = {k: get(k) for k in ["agent.ping", "proc.num[zabbix_agentd]", "net.if.discovery", "vfs.fs.size[/,total]"]}
print(items["agent.ping"], items["proc.num[zabbix_agentd]"], items["vfs.fs.size[/,total]"])
ok = items["agent.ping"] == "1" and int(items["proc.num[zabbix_agentd]"]) > 1 and "\"lo\"" in items["net.if.discovery"] and int(items["vfs.fs.size[/,total]"]) > 0
raise SystemExit(0 if ok else 1)' ;;
  nut-server)
    # the dummy UPS's status, and a variable set through upsd (a login; the driver takes it, and
    # puts back its file's value later). Debian 12's dummy-ups aborts when upsd goes away (a stop,
    # a reload: "send_to_all: write ... Broken pipe", SIGABRT) and is restarted 15 s later
    value=$((stamp % 50 + 50))
    for _ in $(seq 1 25); do
      limit upsc dummy@127.0.0.1 ups.status 2> /dev/null | grep -qx OL && break
      sleep 1
    done
    limit upsc dummy@127.0.0.1 ups.status 2> /dev/null | grep -qx OL || exit 1
    limit upsrw -s "battery.charge=$value" -u probe -p probe-pw dummy@127.0.0.1 2>&1 | grep -qx OK &&
      echo "OL, set $value" ;;
  radicale)
    # a calendar and an event written to /var/lib/radicale/collections
    limit curl -sS -o /dev/null -u probe:probe-pw -X MKCALENDAR http://127.0.0.1:5232/probe/cal/
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:probe\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T000000Z\r\nSUMMARY:probe\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
      "$stamp" > /tmp/radicale-probe.ics
    limit curl -fsS -u probe:probe-pw -H 'Content-Type: text/calendar' -T /tmp/radicale-probe.ics \
      "http://127.0.0.1:5232/probe/cal/$stamp.ics" || exit 1
    [ -f "/var/lib/radicale/collections/collection-root/probe/cal/$stamp.ics" ] && echo 'event stored' ;;
  nftables) limit nft list set inet probe seen | grep -q 192.0.2.9 && echo 'ruleset loaded' ;;
  logrotate)
    # a oneshot: its last run succeeded and rotated the probe's log (which gets a line for the next)
    started=$(systemctl show -P ExecMainStartTimestamp logrotate.service)
    result=$(systemctl show -P Result logrotate.service)
    echo "result $result"
    rotated=$(stat -c %Z /var/log/probe-rotate.log.1 2> /dev/null || echo 0)
    echo "line $stamp" >> /var/log/probe-rotate.log
    [ "$result" = success ] && [ -n "$started" ] && [ "$rotated" -ge "$(date -d "$started" +%s)" ] ;;
  radvd)
    # a router advertisement with its prefix, solicited on v1 (the other end of v0); and v0's own
    # hop limit set to the one it advertises (AdvCurHopLimit, 64), through /proc/sys/net/ipv6
    answer=$(limit rdisc6 -1 -r 3 -w 3000 v1 2>&1)
    echo "$answer" | grep -i prefix
    echo "v0 hop_limit $(sysctl -n net.ipv6.conf.v0.hop_limit)"
    echo "$answer" | grep -q '2001:db8:99::/64' && [ "$(sysctl -n net.ipv6.conf.v0.hop_limit)" = 64 ] ;;
  keepalived)
    # VRRP: the instance becomes master and puts its virtual address on v0
    for _ in $(seq 1 15); do
      ip -4 addr show dev v0 | grep -q 'inet 10.99.0.100/' && echo 'master, 10.99.0.100 on v0' && exit 0
      sleep 1
    done
    exit 1 ;;
  corosync)
    # a quorate single-node ring, and a key written to and read from its CMAP (libqb IPC)
    limit corosync-quorumtool -s | grep -q '^Quorate: *Yes' || exit 1
    limit corosync-cmapctl -s probe.stamp str "s$stamp" > /dev/null &&
      limit corosync-cmapctl -g probe.stamp | grep -q "= s$stamp" && echo 'quorate, cmap written' ;;
  openvpn-server@probe | openvpn@probe2)
    # a client with the static key (a TUN device of its own) gets the server's authenticated replies
    case $unit in
      openvpn-server@probe) dev=tun0 net=10.8.0 port=1194 ;;
      *) dev=tun2 net=10.8.1 port=1195 ;;
    esac
    ip addr show "$dev" 2> /dev/null | grep -q "inet $net.1" || { echo "no $dev $net.1"; exit 1; }
    out=$(timeout 8 openvpn --dev tun9 --ifconfig "$net.2" "$net.1" --remote 127.0.0.1 "$port" --nobind \
      --secret /etc/openvpn/server/static.key 1 --cipher AES-256-CBC --data-ciphers AES-256-CBC --ping 1 \
      --verb 3 2>&1)
    echo "$out" | grep -q 'Peer Connection Initiated' && echo 'peer connection initiated' ;;
  ufw)
    # a oneshot that loads its rules (and the user's rule) into iptables and applies the kernel
    # tunables of /etc/ufw/sysctl.conf (sysctl -e -p || true: a failure is silent)
    limit iptables -S ufw-user-input 2> /dev/null | grep -q 'dport 2222 -j ACCEPT' &&
      limit ufw status | grep -q '^2222/tcp *ALLOW' && echo 'rules loaded' || exit 1
    tunables=$(sysctl -n net.ipv4.conf.default.accept_redirects net.ipv4.icmp_ignore_bogus_error_responses | tr '\n' ' ')
    echo "accept_redirects, icmp_ignore_bogus_error_responses: $tunables"
    [ "$tunables" = '0 1 ' ] ;;
  apt-daily)
    # a oneshot: its last run succeeded and updated the package lists (a local file:// repository;
    # apt.systemd.daily touches update-stamp after a successful update)
    started=$(systemctl show -P ExecMainStartTimestamp apt-daily.service)
    result=$(systemctl show -P Result apt-daily.service)
    stamp=$(stat -c %Y /var/lib/apt/periodic/update-stamp 2> /dev/null || echo 0)
    echo "result $result"
    [ "$result" = success ] && [ -n "$started" ] && [ "$stamp" -ge "$(date -d "$started" +%s)" ] ;;
  apt-daily-upgrade)
    result=$(systemctl show -P Result apt-daily-upgrade.service)
    echo "result $result"
    [ "$result" = success ] ;;
  slapd)
    # a search, an entry added to its database (/var/lib/ldap), and cn=config changed online through
    # ldapi as root (written to /etc/ldap/slapd.d)
    limit ldapsearch -x -LLL -H ldap://127.0.0.1 -b dc=nodomain -s base dn | grep -q '^dn: dc=nodomain' || exit 1
    printf 'dn: cn=p%s,dc=nodomain\nobjectClass: organizationalRole\ncn: p%s\n' "$stamp" "$stamp" |
      limit ldapadd -x -D cn=admin,dc=nodomain -w probe-pw -H ldap://127.0.0.1 > /dev/null || exit 1
    value=$((500 + stamp % 100))
    printf 'dn: cn=config\nchangetype: modify\nreplace: olcSizeLimit\nolcSizeLimit: %s\n' "$value" |
      limit ldapmodify -Q -Y EXTERNAL -H ldapi:/// > /dev/null || exit 1
    grep -q "olcSizeLimit: $value" '/etc/ldap/slapd.d/cn=config.ldif' && echo 'entry added, cn=config written' ;;
  monit)
    # its HTTP interface answers for the process it watches (cron)
    limit monit summary | grep -q "^ *cron " && echo 'monit watches cron' ;;
  ntpsec)
    # mode 6 queries answered (its system variables), and a mode 3 client request answered
    limit ntpq -c 'rv 0 version' 127.0.0.1 | grep -q 'ntpd ntpsec' || exit 1
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
s.sendto(b"\x23" + 47 * b"\0", ("127.0.0.1", 123))
data = s.recv(48); print("mode", data[0] & 7, "stratum", data[1]); sys.exit(0 if data[0] & 7 == 4 else 1)' ;;
  rngd)
    # it reads the hardware source (boot with NSPAWN_BIND=/dev/hwrng) and feeds /dev/random
    pid=$(systemctl show -P MainPID rngd.service)
    fds=$(ls -l "/proc/$pid/fd" 2> /dev/null)
    echo "$fds" | grep -o '/dev/[a-z]*' | sort -u | tr '\n' ' '
    echo "$fds" | grep -q /dev/hwrng && echo "$fds" | grep -q /dev/random ;;
  *)
    echo "no probe for $unit"
    exit 3 ;;
esac

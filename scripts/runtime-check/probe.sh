#!/bin/bash
# Functional probe of one service, run INSIDE the booted container: probe.sh UNIT (exit 0: works).
# A probe does real work where the service keeps its data (a write, a save, a login, an upload), so
# hardening that makes the place read-only or hides it fails the probe, not only the start.
# Ports are the ones setup.sh gives the services (apache2 8081, lighttpd 8082: one port 80).
unit=${1%.service}
stamp=$(date +%s%N)
limit() { timeout 15 "$@"; }
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
  *)
    echo "no probe for $unit"
    exit 3 ;;
esac

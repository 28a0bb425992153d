/**
 * What a service needs, inferred from its unit alone (seed 000's "Common Gotchas" and seed 004's
 * "observe first"): the program it runs (JIT runtimes, privilege-dropping daemons, time daemons,
 * container managers ...), the ports it listens on, the paths it writes, whether it uses the network,
 * devices, home directories. Every fact carries the evidence that produced it, so a suggestion can say
 * why it left a directive out; facts the unit does not show become "observe first" notes.
 */
import { parseUnitText } from './syntax.js'
import type { LoadedService, ServiceSettings, SocketUnitFiles } from './service.js'
import { RECORDED_DIRECTIVES } from './service.js'
import type { ScopeHint } from './scope.js'
import { USER_ONLY_TARGETS } from './scope.js'
import { settingsRunPrivileged } from './score.js'
import type { UnitName } from './specifiers.js'
import { addressFamilyName } from './values/address-families.js'
import { capabilityNames, grantsEveryCapability } from './values/capabilities.js'
import { shapedSettings } from './variant-score.js'
import { extractFirstWord, extractWords } from './words.js'

/** Things a service does that some hardening directive would break. */
export type Trait =
  | 'jit'
  | 'script'
  | 'network'
  | 'no-network'
  | 'netlink'
  | 'packet'
  | 'net-admin'
  | 'privileged-port'
  | 'time'
  | 'modules'
  | 'sysctl'
  | 'kmsg'
  | 'containers'
  | 'kernel-server'
  | 'audit'
  | 'security-policy'
  | 'bluetooth'
  | 'uevents'
  | 'fanotify'
  | 'sends-mail'
  | 'root-client'
  | 'mount'
  | 'realtime'
  | 'hostname'
  | 'setuid'
  | 'login'
  | 'package-manager'
  | 'system-writer'
  | 'devices'
  | 'drops-privileges'
  | 'chroot'
  | 'debug'
  | 'bpf'
  | 'swap'
  | 'reboot'
  | 'monitor'
  | 'signals'
  | 'finds-process'
  | 'reads-everything'
  | 'user-specifiers'
  | 'shared-tmp'
  | 'setup-as-root'
  | 'home-read'
  | 'home-write'
  | 'etc-write'
  | 'multiarch'
  | 'unknown-options'
  | 'user-manager'

export interface WritePath {
  /** absolute path (specifiers kept as written) */
  path: string
  /** the path is a file (PID file, log file): its directory matters */
  file: boolean
  evidence: string
  /** not seen in the unit: where a program of this name usually keeps its data */
  conventional?: boolean
}

export interface Command {
  argv: string[]
  /** ExecStart, ExecStartPre, ... */
  directive: string
  /** '+' prefix: runs with full privileges, outside the sandbox */
  unsandboxed: boolean
  /** '!' prefix (not '!!'): runs as root whatever User= says, and changes credentials itself */
  elevated: boolean
}

export interface ServiceProfile {
  /** the unit's name, e.g. foo.service or foo@i.service */
  unit: string
  /** the name for systemd-managed directories (StateDirectory= ...): the unit prefix */
  name: string
  runsAsRoot: boolean
  /** User= as set, when not root */
  user?: string
  commands: Command[]
  /** basenames of the programs run (argv0, and the program an interpreter or wrapper runs) */
  programs: string[]
  traits: Map<Trait, string>
  /** ports seen in the unit, its sockets, arguments or environment */
  ports: Array<{ port: number; evidence: string; local: boolean }>
  writes: WritePath[]
  /** device nodes the unit names */
  devices: string[]
  /** capabilities the unit shows it needs (explicit ambient or bounding sets, inferred) */
  neededCapabilities: Set<string>
  /** address families the unit shows it needs */
  neededFamilies: Set<string>
  /** EnvironmentFile= paths (their content is not visible) */
  environmentFiles: string[]
  /** systemd-managed directories already declared */
  managed: { state: string[]; cache: string[]; logs: string[]; runtime: string[] }
  /** the bounding set was restricted explicitly in the unit */
  explicitBoundingSet: boolean
  /** the unit itself says where it writes (ReadWritePaths=, StateDirectory= ..., DynamicUser=) */
  declaresWrites: boolean
}

/** Printable ASCII only, short: evidence ends up in comments of a generated unit file. */
export function safeText(text: string, max = 70): string {
  // no control characters, and no backslash: a comment line must never look continued; no `##[`,
  // which a CI log showing the drop-in would take for a runner command
  const clean = text.replace(/[^\x20-\x5b\x5d-\x7e]/g, '?').replaceAll('##[', '#?[')
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean
}

/** A path that can be written into a drop-in as is: absolute, no spaces, quotes or escapes. */
export function isSafePath(path: string): boolean {
  // '%' only as the instance and name specifiers, which every path directive expands
  return /^\/(?:[A-Za-z0-9._@+,=:/-]|%[iInNpPjJ%])*$/.test(path) && !path.split('/').includes('..')
}

// ---------------------------------------------------------------------------------------------------
// knowledge about programs

/** The traits of a program that may change anything: a package manager's scripts, a configuration agent. */
const MAY_CHANGE_ANYTHING: Trait[] = [
  'package-manager',
  'system-writer',
  'devices',
  'modules',
  'sysctl',
  'mount',
  'setuid',
  'script'
]

export const PROGRAMS: ReadonlyArray<[RegExp, Trait[], string?]> = [
  // JIT runtimes (seed 000: "Node.js, Java, Python with JIT")
  [
    /^(node|nodejs|npm|npx|yarn|pnpm|pm2|deno|bun|ts-node|tsx|next|nuxt|code-server|kibana)$/,
    ['jit'],
    'Node.js/JavaScript JIT'
  ],
  [
    /^(java|javaw|jsvc|catalina\.sh|mvn|gradle|sbt|kotlin|scala|clojure|lein|jruby|groovy|elasticsearch|opensearch|logstash|jenkins|cassandra|solr|keycloak|kc\.sh|neo4j|jetty|tomcat\d*|kafka-server-start\.sh|zookeeper-server-start\.sh|zkServer\.sh|standalone\.sh)$/,
    ['jit'],
    'Java JIT'
  ],
  [/^(dotnet|mono|pwsh)$/, ['jit'], '.NET JIT'],
  [
    /^(python[0-9.]*|pypy[0-9.]*|gunicorn|uvicorn|uwsgi|celery|hypercorn|daphne|waitress-serve|flask|django-admin|jupyter.*|supervisord|ansible.*|salt-.*|odoo.*|gns3server)$/,
    ['jit'],
    'Python (ctypes/cffi callbacks and JIT modules need writable code)'
  ],
  [
    /^(ruby[0-9.]*|puma|unicorn|rails|bundle|sidekiq|rackup|thin|passenger.*)$/,
    ['jit'],
    'Ruby JIT'
  ],
  [/^(php[0-9.]*|php-fpm[0-9.]*|php-cgi[0-9.]*|php\d*-fpm)$/, ['jit'], 'PHP JIT/PCRE JIT'],
  [
    /^(erl|erlexec|beam|beam\.smp|elixir|iex|mix|rabbitmq-server|ejabberdctl|couchdb|emqx)$/,
    ['jit'],
    'Erlang BEAM JIT'
  ],
  [/^(luajit|openresty|julia|raku|perl6)$/, ['jit'], 'JIT runtime'],
  [/^(postgres|postmaster|pg_ctl|pg_ctlcluster)$/, ['jit'], 'PostgreSQL LLVM JIT'],
  // (dnsdist, and pdns_recursor with a Lua script, aborted under MemoryDenyWriteExecute=:
  // "lua_atpanic triggered", session 27)
  [
    /^(dnsdist|pdns_recursor|pdns_server|kresd|rspamd|openresty|tarantool|luajit)$/,
    ['jit'],
    'LuaJIT'
  ],
  [
    /^(chromium|chromium-browser|chrome|google-chrome|firefox|electron)$/,
    ['jit', 'containers'],
    'browser (JIT, sandbox namespaces)'
  ],
  [/^(qemu-.*|qemu|wine.*|box64|box86)$/, ['jit', 'multiarch', 'devices'], 'emulator'],
  // interpreters/wrappers whose real program is unknown
  [
    /^(sh|bash|dash|zsh|ksh|busybox|env|nohup|nice|ionice|chpst|setsid|timeout|stdbuf|xargs)$/,
    ['script'],
    'a shell or wrapper'
  ],
  // login and sessions
  [
    /^(agetty|getty|mingetty|mgetty|login|sulogin|systemd-sulogin-shell|sshd|dropbear|tinysshd|in\.telnetd|telnetd|utelnetd|in\.rlogind|rlogind|in\.rshd|rshd|in\.rexecd|rexecd|shellinaboxd|xrdp|gdm.*|lightdm|sddm|cron|crond|anacron|atd|systemd-user-sessions|screen|tmux)$/,
    ['login'],
    'starts user sessions or jobs'
  ],
  // package managers and system writers
  [
    /^(apt|apt-get|aptitude|dpkg|unattended-upgrade|unattended-upgrades|dnf|dnf-automatic|yum|yum-cron|rpm|zypper|pacman|packagekitd|snapd|fwupd|fwupdmgr|apk|nix-daemon|apt\.systemd\.daily|dpkg-db-backup|update-.*|dpkg-reconfigure|debconf.*|needrestart|apt-listchanges)$/,
    MAY_CHANGE_ANYTHING,
    'installs packages (their scripts may do anything)'
  ],
  [
    /^(systemd-sysext|systemd-sysusers|systemd-tmpfiles|systemd-firstboot|systemd-machine-id-setup|systemd-machine-id-commit|useradd|groupadd|cloud-init|ldconfig|mandb|e2scrub.*|fsck.*|e2fsck|fstrim|mkfs.*|tune2fs|quotacheck|quotaon|systemd-quotacheck|systemd-random-seed|systemd-update-utmp|systemd-pstore|systemd-repart|systemd-growfs|systemd-fsck|systemd-remount-fs|systemd-binfmt|systemd-update-done|systemctl|journalctl|systemd-journald|rsync|restic|borg|duplicity|bacula-fd|etckeeper|certbot|dehydrated|acme\.sh|ssh-keygen|pam_namespace.*)$/,
    ['system-writer'],
    'maintains files all over the system'
  ],
  // privilege-dropping daemons (start as root, switch user themselves)
  [
    /^(nginx|apache2|httpd|lighttpd|master|postfix|postmulti|exim4?|dovecot|vsftpd|proftpd|pure-ftpd|cupsd|avahi-daemon|smbd|nmbd|winbindd|named|unbound|dnsmasq|ntpd|ntpsec|chronyd|squid|haproxy|varnishd|memcached|tor|privoxy|openvpn|rsyncd|xinetd|inetd|polkitd|dbus-daemon|dbus-broker|dbus-broker-launch|rsyslogd|colord|rtkit-daemon|mysqld_safe|pg_ctlcluster|snmpd|slapd|openntpd|radiusd|freeradius|asterisk|bird|squid3|opendkim|spamd|clamd|freshclam|saslauthd|nslcd|sssd|gssproxy|rpcbind|rpc\..*|nfsd|ypbind|cups-browsed|udisksd|accounts-daemon|systemd-logind|php-fpm[0-9.]*|php\d*-fpm|uwsgi|gunicorn|supervisord|start-stop-daemon|runuser|su|sudo|setpriv|gosu|su-exec|s6-setuidgid|pdns_server|pdns_recursor|dnsdist|murmurd|radosgw|apachectl|bftpd|mosquitto|nrpe|prosody|prosodyctl|h2o|samba|incrond|cron|crond|cronie|fcron|anacron|atd|mfsmaster|mfschunkserver|mfsmetalogger|mfscgiserv|lfscgiserv|rspamd|knotd)$/,
    ['drops-privileges'],
    'starts as root and switches user itself'
  ],
  // (NUT's daemons and drivers become their user through one become_user(): upsd failed under
  // ~@privileged, "getuid gave 0, but seteuid(0) failed", in the booted container, round 4)
  [/^(upsd|upsmon|upsdrvctl)$/, ['drops-privileges'], 'starts as root and switches user itself'],
  // daemons that chroot() themselves by default or in their packaged configuration (privilege
  // separation): chroot is in @mount, which a filter would deny (haproxy, avahi-daemon and vsftpd
  // failed to start in a booted container with ~@mount, session 27)
  [
    /^(avahi-daemon|vsftpd|haproxy|lldpd|master|postfix|postmulti|smtpd|dovecot|proftpd|pure-ftpd|bftpd|in\.ftpd|openntpd|ntpd|named|rsyncd|in\.tftpd|tftpd|atftpd|unbound|nsd|sshd)$/,
    // (as root: it keeps its identity and the capabilities to switch user, as those above)
    ['chroot', 'drops-privileges'],
    'chroots itself'
  ],
  // network daemons
  [
    /^(nginx|apache2|httpd|lighttpd|caddy|traefik|haproxy|envoy|varnishd|squid|squid3|sshd|dropbear|named|unbound|dnsmasq|pdns_server|pdns_recursor|knotd|kresd|coredns|nsd|cloudflared|ngrok|frpc|frps|tailscaled|headscale|zerotier-one|openvpn|wg-quick|charon|ipsec|strongswan|xl2tpd|pppd|postgres|postmaster|pg_ctlcluster|mysqld|mariadbd|mysqld_safe|mongod|mongos|redis-server|valkey-server|keydb-server|memcached|etcd|consul|nomad|vault|mosquitto|nats-server|prometheus|alertmanager|.*_exporter|grafana-server|grafana|influxd|telegraf|loki|promtail|chronyd|ntpd|ntpsec|openntpd|smbd|nmbd|winbindd|cupsd|cups-browsed|avahi-daemon|dhclient|dhcpd|dhcpcd|udhcpc|kea-.*|NetworkManager|systemd-networkd|systemd-resolved|systemd-timesyncd|vsftpd|proftpd|pure-ftpd|master|postfix|postmulti|exim4?|dovecot|opendkim|spamd|clamd|freshclam|transmission-daemon|syncthing|dockerd|containerd|kubelet|k3s|snmpd|slapd|krb5kdc|radiusd|freeradius|asterisk|murmurd|minidlna|jellyfin|plexmediaserver|apt-cacher-ng|tor|privoxy|i2pd|bitcoind|geth|ipfs|rpcbind|nfsd|sssd|nslcd|ypbind|xinetd|inetd|php-fpm[0-9.]*|gunicorn|uvicorn|uwsgi|puma|unicorn|kibana|elasticsearch|opensearch|rabbitmq-server|beam\.smp|kafka-server-start\.sh|zookeeper-server-start\.sh|cassandra|minio|gitea|forgejo|gitlab-.*|mattermost|rocketchat|nextcloud|wordpress|ntfy|home-assistant|hass|gns3server|qbittorrent-nox|deluged|sabnzbd|nzbget|sonarr|radarr|lidarr|prowlarr|jackett|wpa_supplicant|hostapd|iwd|connmand|ModemManager|tincd|vpnc|openconnect|fail2ban-server|crowdsec|zabbix_agentd|zabbix_server|netdata|collectd|nrpe|monit|datadog-agent|amazon-ssm-agent|google_guest_agent|waagent|cloud-init)$/,
    ['network'],
    'a network service'
  ],
  // manages interfaces, routes, firewall (netlink, CAP_NET_ADMIN)
  [
    /^(NetworkManager|systemd-networkd|wpa_supplicant|hostapd|iwd|connmand|dhclient|dhcpcd|udhcpc|ifup|ifdown|ifupdown|ip|tc|wg|wg-quick|openvpn|tailscaled|zerotier-one|charon|ipsec|strongswan|keepalived|bird|bird6|frr|zebra|bgpd|ospfd|tincd|vpnc|openconnect|pppd|ModemManager|nft|iptables|ip6tables|iptables-restore|ip6tables-restore|ebtables|ipset|ipvsadm|ipvsadm-restore|ufw|firewalld|fail2ban-server|netfilter-persistent|shorewall|crowdsec-firewall-bouncer|conntrackd|ethtool|brctl|vconfig|dockerd|containerd|libvirtd|lxd|incusd|avahi-daemon|systemd-resolved|dnsmasq|ntpd|ntpsec|named|smbd|nmbd|systemd-network-generator|systemd-networkd-wait-online)$/,
    ['netlink'],
    'manages or watches network interfaces'
  ],
  // getifaddrs() asks the kernel by netlink: a daemon that lists the interfaces needs AF_NETLINK
  // (unbound "getifaddrs: Address family not supported", node_exporter's netdev collector, in the
  // booted container, session 27; alertmanager's gossip looks for its address among them at every
  // start and exits without: "Failed to get interface addresses: route ip+net: netlinkrib", round 4;
  // consul and serf bind the same gossip library (memberlist, go-sockaddr) to 0.0.0.0 by default).
  // Round 5: radvd reads each interface's link-local address by getifaddrs() and otherwise sends no
  // advertisement at all, still active ("getifaddrs failed on v0", "interface is not ready", at its
  // debug level only); corosync finds which node of its nodelist it is by matching the addresses
  // against the interfaces, and exits without ("No valid name found for local host")
  [
    /^(node_exporter|prometheus-node-exporter|alertmanager|prometheus-alertmanager|consul|serf|zabbix_agentd|zabbix_agent2|netdata|collectd|telegraf|datadog-agent|glances|vnstatd|kea-dhcp4|kea-dhcp6|dhcpd|miniupnpd|mdns-repeater|unbound|minidlna|master|postfix|postmulti|lldpd|radvd|corosync)$/,
    ['netlink'],
    'lists the network interfaces'
  ],
  [
    /^(NetworkManager|systemd-networkd|wpa_supplicant|hostapd|iwd|connmand|dhclient|dhcpcd|udhcpc|ifup|ifdown|ip|tc|wg|wg-quick|openvpn|tailscaled|zerotier-one|charon|ipsec|strongswan|keepalived|bird|bird6|frr|zebra|bgpd|ospfd|tincd|vpnc|openconnect|pppd|nft|iptables|ip6tables|iptables-restore|ip6tables-restore|ebtables|ipset|ipvsadm|ipvsadm-restore|ufw|firewalld|fail2ban-server|netfilter-persistent|shorewall|crowdsec-firewall-bouncer|conntrackd|ethtool|brctl|vconfig|dockerd|containerd|libvirtd|lxd|incusd|systemd-network-generator|lldpd)$/,
    ['net-admin'],
    'configures interfaces, routes or the firewall'
  ],
  [
    /^(dhclient|dhcpcd|udhcpc|dhcpd|kea-dhcp4|kea-dhcp6|tcpdump|dumpcap|tshark|wireshark|arpwatch|lldpd|ladvd|hostapd|wpa_supplicant|NetworkManager|systemd-networkd|keepalived|snort|suricata|zeek|bro|p0f|arping|pppoe|pppd|ptp4l|dnsmasq|ndppd|darkstat|iftop|nethogs|vnstatd|ntopng|pmacctd|softflowd|fprobe|argus)$/,
    ['packet'],
    'uses raw packet sockets'
  ],
  // time
  [
    /^(chronyd|ntpd|ntpsec|ntpdate|openntpd|sntp|systemd-timesyncd|htpdate|ptp4l|phc2sys|timemaster|hwclock|adjtimex|chrony)$/,
    ['time'],
    'sets the clock'
  ],
  // kernel modules, tunables, logs
  [
    /^(modprobe|insmod|rmmod|depmod|kmod|systemd-modules-load|dkms|modules-load)$/,
    ['modules'],
    'loads kernel modules'
  ],
  // IPVS load balancers: keepalived's virtual_server and ipvsadm run modprobe ip_vs when the module
  // is not loaded (keepalived then logs "IPVS: Can't initialize ipvs" and balances nothing, its
  // VRRP still up). Round 5 ran keepalived's VRRP only: the host has no ip_vs (from the source)
  [/^(keepalived|ipvsadm|ipvsadm-restore)$/, ['modules'], 'loads ip_vs for its virtual servers'],
  [
    /^(sysctl|systemd-sysctl|tuned|tuned-ppd|power-profiles-daemon|irqbalance|cpupower|procps|ksmtuned|numad|thermald|kubelet|k3s|dockerd|libvirtd|NetworkManager|connmand|ifup|ifdown|ifupdown|rasdaemon|ras-mc-ctl)$/,
    ['sysctl'],
    'changes kernel tunables'
  ],
  // firewall front ends that apply kernel tunables with their rules: ufw-init runs `sysctl -e -p
  // /etc/ufw/sysctl.conf || true` at each start (no ICMP redirects, bogus ICMP errors ignored);
  // under ProtectKernelTunables= each key was "permission denied", under ProcSubset=pid sysctl -e
  // found no /proc/sys and said nothing, the unit active and the rules loaded both times (round 5).
  // shorewall writes IP_FORWARDING, ROUTE_FILTER and LOG_MARTIANS, firewalld turns forwarding on
  // for masquerading (from their documentation, not run)
  [
    /^(ufw|shorewall|shorewall6|shorewall-lite|firewalld)$/,
    ['sysctl'],
    'applies kernel tunables with its firewall rules'
  ],
  // radvd sets on each interface it advertises on the values it tells the hosts (AdvCurHopLimit, 64
  // by default; AdvLinkMTU, AdvReachableTime, AdvRetransTimer) through /proc/sys/net/ipv6: under
  // either drop-in v0's hop_limit stayed as it was, radvd active and advertising (round 5)
  [/^(radvd)$/, ['sysctl'], 'sets the interface values it advertises'],
  [
    /^(dmesg|klogd|rsyslogd|syslog-ng|syslogd|systemd-journald|journalbeat|fluent-bit|td-agent-bit)$/,
    ['kmsg'],
    'reads the kernel log'
  ],
  // containers, sandboxes, mounts
  [
    /^(dockerd|docker|containerd|containerd-shim.*|runc|crun|podman|conmon|buildkitd|buildah|lxc.*|lxd|incusd|systemd-nspawn|machinectl|bwrap|bubblewrap|flatpak|firejail|unshare|nsenter|kubelet|k3s|k0s|crio|snapd|libvirtd|virtqemud|firecracker|steam|distrobox|toolbox|gitlab-runner|Runner\.Listener|buildkite-agent|jenkins|act_runner|forgejo-runner)$/,
    ['containers'],
    'creates containers or namespaces'
  ],
  [
    /^(mount|umount|automount|autofs|sshfs|rclone|s3fs|gcsfuse|goofys|fusermount3?|mount\..*|glusterd|glusterfsd|ceph-.*|zfs|zpool|zed|lvm|vgchange|cryptsetup|udisksd|systemd-remount-fs|systemd-volatile-root|systemd-repart|systemd-growfs|snapd|e2scrub.*)$/,
    ['mount'],
    'mounts file systems'
  ],
  // (the kernel's NFS server resolves an export's path in the mount namespace of the rpc.mountd or
  // exportfs that hands it over, so ProtectSystem= there exports a read-only bind mount and
  // ProtectHome= hides /home; it serves in the network namespace of the rpc.nfsd that starts it,
  // which writes /proc/fs/nfsd, read-only under ProtectKernelTunables=; its state is /var/lib/nfs)
  [
    /^(rpc\.nfsd|rpc\.mountd|exportfs|nfsdcld|nfsdcltrack|fsidd|rpc\.idmapd|nfsidmap|rpc\.statd|sm-notify|rpc\.svcgssd|rpc\.gssd|blkmapd)$/,
    ['kernel-server', 'network'],
    "configures the kernel's NFS server"
  ],
  // (the same for the kernel's SMB server and its SCSI target (LIO), whose file backstores are
  // paths too)
  [
    /^(ksmbd\.mountd|ksmbd\.control|targetctl|targetcli|targetclid)$/,
    ['kernel-server', 'network'],
    'configures a file or block server in the kernel'
  ],
  // real time, host name, devices
  [
    /^(jackd|jackdbus|pipewire|pipewire-pulse|wireplumber|pulseaudio|rtkit-daemon|chronyd|ptp4l|phc2sys)$/,
    ['realtime'],
    'uses real-time scheduling'
  ],
  [
    /^(hostname|hostnamectl|systemd-hostnamed|cloud-init|NetworkManager|dhclient)$/,
    ['hostname'],
    'sets the host name'
  ],
  [
    /^(smartd|smartctl|hdparm|sdparm|fstrim|fsck.*|e2fsck|e2scrub.*|mdadm|mdmon|lvm|vgchange|multipathd|udevd|systemd-udevd|udevadm|nvme|sensors|fancontrol|ipmitool|ipmievd|dmidecode|cpupower|thermald|fwupd|bluetoothd|ModemManager|gpsd|pcscd|upower|upowerd|acpid|saned|lircd|Xorg|X|brltty|alsactl|pulseaudio|pipewire|plymouthd|loadkeys|setfont|setupcon|systemd-backlight|systemd-rfkill|systemd-vconsole-setup|rngd|tpm2-abrmd|tcsd|nvidia-persistenced|nvidia-.*|libvirtd|qemu.*|vmtoolsd|spice-vdagentd|hv_kvp_daemon|qemu-ga|agetty|getty|mingetty|mgetty|usbmuxd|ckb-next-daemon|openrgb|cups-browsed|cupsd|iio-sensor-proxy|bolt|boltd|zfs|zpool|zed|cryptsetup|systemd-cryptsetup|kmod|systemd-modules-load|systemd-fsck|systemd-quotacheck|quotaon|systemd-hibernate-resume|systemd-sleep|systemd-pstore|systemd-repart|systemd-growfs|systemd-random-seed|wpa_supplicant|hostapd|iwd|tailscaled|openvpn|wg-quick|zerotier-one|tincd|vpnc|openconnect)$/,
    ['devices'],
    'uses hardware devices'
  ],
  [
    /^(sudo|su|pkexec|newgrp|sg|passwd|chsh|chfn|crontab|at|fusermount3?|Xorg\.wrap|sendmail|mail|mailx|postdrop|unix_chkpwd|ssh-keysign|mount|umount)$/,
    ['setuid'],
    'runs setuid programs'
  ],
  [
    /^(dbus-daemon)$/,
    ['setuid'],
    'activates services through the setuid dbus-daemon-launch-helper'
  ],
  [
    /^(chown|chgrp|chmod|install|mkdir|setfacl|chattr|mknod|ln|cp|mv|rm|touch|tee|sed|useradd|adduser|groupadd)$/,
    ['setup-as-root'],
    'prepares files as root'
  ],
  [
    /^(wg-quick|resolvconf|netplan|ifup|ifdown|dhclient|dhclient-script|NetworkManager|systemd-resolved|cloud-init)$/,
    ['system-writer'],
    'rewrites network configuration (resolv.conf)'
  ],
  [
    /^(gdb|gdbserver|strace|ltrace|perf|valgrind|bpftrace|systemd-coredump|apport|abrtd|crash)$/,
    ['debug'],
    'traces processes'
  ],
  [
    /^(bpftool|bpftrace|cilium-agent|falco|tetragon|pixie|bcc.*|xdp-.*|scx_.*|below)$/,
    ['bpf'],
    'loads BPF programs'
  ],
  [
    /^(swapon|swapoff|mkswap|zramctl|systemd-zram-setup|zram-generator|dphys-swapfile)$/,
    ['swap'],
    'manages swap'
  ],
  [
    /^(reboot|poweroff|halt|shutdown|kexec|systemd-shutdown|systemd-reboot|systemd-sleep|systemd-hibernate.*)$/,
    ['reboot'],
    'reboots or suspends the machine'
  ],
  [
    /^(zabbix_agentd|zabbix_agent2|netdata|collectd|telegraf|node_exporter|process-exporter|datadog-agent|nrpe|monit|glances|htop|atop|atopacctd|psacct|sysstat|sadc|falco|auditd|osqueryd|wazuh-.*|ossec-.*|crowdsec|fail2ban-server|supervisord|pm2|systemd-oomd|earlyoom|atop\.daily|below)$/,
    ['monitor'],
    'watches other processes'
  ],
  [/^(auditd)$/, ['kmsg'], 'the audit daemon'],
  // (audit rules, the audit daemon's registration and the audit log come over an AF_NETLINK socket
  // and need CAP_AUDIT_CONTROL/CAP_AUDIT_READ: without them auditd cannot start)
  [
    /^(auditd|auditctl|augenrules|audispd|audisp-.*|auditbeat|go-audit|laurel)$/,
    ['audit', 'netlink'],
    'talks to the kernel audit subsystem'
  ],
  // a desk review of Debian 12's system daemons (session 28), each need from the daemon's source or
  // documentation: BlueZ's management interface is an AF_BLUETOOTH socket (bluetoothd exits
  // without it); open-iscsi's NETLINK_ISCSI; NFLOG and conntrack over NETLINK_NETFILTER with
  // CAP_NET_ADMIN; PTP hardware clocks (/dev/ptpN) and SIOCSHWTSTAMP (CAP_NET_ADMIN); md arrays
  // driven through /sys/block/mdX/md (mdmon unblocks writes there); kexec for crash dumps
  [
    /^(bluetoothd|bluealsa|btattach|obexd|bluetooth-meshd)$/,
    ['bluetooth'],
    'uses Bluetooth sockets'
  ],
  [/^(iscsid|iscsiadm|iscsistart|iscsiuio)$/, ['netlink'], 'iSCSI over NETLINK_ISCSI'],
  [/^(ulogd|conntrackd)$/, ['netlink', 'net-admin'], 'netfilter over NETLINK_NETFILTER'],
  [
    /^(ptp4l|phc2sys|timemaster|ts2phc)$/,
    ['devices', 'net-admin', 'packet', 'time'],
    'PTP hardware clocks and timestamps'
  ],
  [/^(mdadm|mdmon|mdcheck|checkarray)$/, ['sysctl', 'devices'], 'drives md arrays in /sys'],
  // (an init script as much as a task of unknown needs: what that keeps, and kexec's @reboot)
  [
    /^(kdump-tools|kdump-config|kexec)$/,
    [...MAY_CHANGE_ANYTHING, 'reboot'],
    'loads the crash kernel and reboots'
  ],
  // getifaddrs() for guest-network-get-interfaces, settimeofday() for guest-set-time
  [/^(qemu-ga)$/, ['netlink', 'time'], 'the QEMU guest agent'],
  // fanotify permission events need CAP_SYS_ADMIN (clamonacc exits without)
  [/^(clamonacc|fapolicyd)$/, ['fanotify', 'reads-everything'], 'fanotify access events'],
  // (a udev event reaches only a listener in the host's network namespace: systemd.exec(5),
  // PrivateNetwork=)
  [
    /^(multipathd|udisksd|upowerd|tuned|pcscd|thermald|usbguard-daemon|power-profiles-daemon|iio-sensor-proxy)$/,
    ['uevents', 'netlink'],
    'listens to udev events'
  ],
  [/^(udisksd|tuned)$/, ['devices'], 'opens devices'],
  [/^(virtlogd|virtlockd)$/, ['system-writer'], "keeps libvirt's logs and locks"],
  [/^(pacemakerd)$/, MAY_CHANGE_ANYTHING, 'runs cluster resource agents as root'],
  [/^(corosync)$/, ['system-writer', 'realtime'], 'cluster engine (real-time, root)'],
  // (usbguard-daemon.conf admits IPCAllowedUsers=root only: its D-Bus bridge as a dynamic user is
  // refused)
  [/^(usbguard-dbus)$/, ['root-client'], 'a client the usbguard daemon admits as root only'],
  // (the alert goes through sendmail, setgid in postfix and exim: no NoNewPrivileges=, and its queue
  // under /var/spool stays writable)
  [/^(mdadm|smartd|logwatch|logcheck|apticron)$/, ['sends-mail'], 'mails alerts via sendmail'],
  // seen on units in public repositories (the GitHub corpus in the README): programs whose needs a
  // drop-in broke when the engine did not know them
  [
    /^(cri-containerd|cri-dockerd|rke2|nomad)$/,
    ['containers', 'network'],
    'runs containers or other workloads'
  ],
  [
    /^(kube-proxy|flanneld|calico-node|sshuttle|ovs-vswitchd|ovs-ctl|ovn-controller)$/,
    ['network', 'netlink', 'net-admin'],
    'programs the firewall and routes'
  ],
  [
    /^(nebula|netbird|relaynode|mullvad-daemon|wireguard-go|boringtun|yggdrasil|cjdroute|vpnserver|vpnclient|vpnbridge|openfortivpn|ziti-edge-tunnel|tun2socks|nordvpnd|warp-svc|innernet|innernet-server|softetherd|edge)$/,
    ['network', 'netlink', 'net-admin', 'devices'],
    'creates a tunnel interface (/dev/net/tun, CAP_NET_ADMIN)'
  ],
  [
    /^(spotifyd|librespot|raspotify|mopidy|mpd|shairport-sync|snapclient|squeezelite|owntone|forked-daapd)$/,
    ['devices'],
    'plays audio (sound devices)'
  ],
  [
    /^(ceph-osd|ceph-volume|rbdmap|rbd|rbd-nbd|iscsid|iscsiadm|tgtd|nbd-client|drbdadm|stratisd|snapperd|snapper|btrfs|container-storage-setup|growpart|sgdisk|sfdisk|parted|resize2fs|xfs_growfs|wipefs|blkdeactivate|pvcreate|vgcreate|lvcreate|lvextend|losetup|kpartx|dmsetup)$/,
    ['devices', 'mount', 'system-writer'],
    'manages disks and block devices'
  ],
  [
    /^(puppet|chef-client|cinc-client|salt-minion|salt-call|ansible-pull|cf-agent|cf-execd|mgmt|cf-monitord|cf-serverd|fleetd|monit|openafs-client-systemd-helper\.sh)$/,
    MAY_CHANGE_ANYTHING,
    'configuration management (it may change anything)'
  ],
  [/^(code-server|jupyterhub|ttyd|gotty|shellinaboxd|wetty)$/, ['login'], 'gives users a shell'],
  // (vsftpd's local users: with ProtectHome=yes "500 OOPS: cannot change directory" in the booted
  // container, session 27; IMAP and SMB servers keep mail and shares there)
  [
    /^(vsftpd|proftpd|pure-ftpd|bftpd|in\.ftpd|ftpd|dovecot|smbd)$/,
    ['login'],
    'logs users in to their homes'
  ],
  // (a mail server's local delivery runs as the recipient, reads ~/.forward and may write ~/Maildir;
  // with their homes hidden a user's .forward is skipped and the mail stays on this host)
  [
    /^(master|postfix|postmulti|exim4?|sendmail|sendmail-mta|smtpd|opensmtpd)$/,
    ['home-write'],
    'local delivery: ~/.forward, ~/Maildir'
  ],
  [/^(spamd)$/, ['home-write'], 'keeps user preferences in ~/.spamassassin'],
  [
    // (not kill, pkill, killall: in ExecReload= and ExecStop= they signal the service itself)
    /^(earlyoom|nohang|oomd|systemd-oomd)$/,
    ['signals'],
    "signals other services' processes"
  ],
  [
    /^(borgmatic|rsnapshot|kopia|duplicacy|duplicati|bup|rdiff-backup|bareos-fd|urbackupclientbackend)$/,
    ['system-writer'],
    'backs up files from all over the system'
  ],
  [
    // (AppArmor's and SELinux's policies load through /sys/kernel/security and /sys/fs/selinux)
    /^(setsebool|semodule|restorecon|restorecond|fixfiles|load_policy|aa-enforce|apparmor_parser|apparmor\.systemd|lxc-apparmor-load)$/,
    ['system-writer', 'security-policy'],
    'changes the security policy'
  ],
  [/^(augenrules)$/, ['system-writer'], 'writes the audit rules in /etc/audit'],
  [
    /^(btuart|hciattach|cec-client|cec-ctl|rfkill|iw)$/,
    ['devices'],
    'configures hardware (Bluetooth, HDMI-CEC, radios)'
  ],
  [/^(rfkill|iw)$/, ['net-admin', 'netlink'], 'configures wireless interfaces'],
  [
    /^(octoprint|klippy|klippy\.py|kvmd.*|ser2net|rtl_433|rtl_tcp|dump1090.*|readsb|motion|mjpg_streamer|ustreamer|fswebcam|upsd|upsmon|upsdrvctl|usbhid-ups|nut-driver|zwave-js-server|cgminer|bfgminer|cdemu-daemon|cdemu-daemon-system\.sh|mcelog|actkbd|triggerhappy|thd|evrouter|keyd|kmonad|bluealsa|bluealsa-aplay)$/,
    ['devices'],
    'talks to hardware (serial ports, USB, cameras, radios, UPS)'
  ],
  // a second batch of repository units (README, "Fixes")
  [
    /^(waagent|WALinuxAgent|apt-setup|google_guest_agent|google_guest_agent_manager|google_osconfig_agent|google_metadata_script_runner|amazon-ssm-agent|ssm-agent-worker|cloud-init|oracle-cloud-agent)$/,
    [...MAY_CHANGE_ANYTHING, 'network'],
    // (it creates users, mounts disks, installs packages)
    'a cloud VM agent'
  ],
  [
    /^(amazon-cloudwatch-agent|start-amazon-cloudwatch-agent|cwagent-otel-collector|newrelic-infra|newrelic-infra-service|collectd|datadog-agent|filebeat|auditbeat|metricbeat|fluentd|td-agent|fluent-bit|td-agent-bit|promtail|otelcol|otelcol-contrib|splunkd|nxlog|lynis|rkhunter|chkrootkit|aide|tripwire|osqueryd|wazuh-.*|ossec-.*|atop|atop\.daily|atopacctd|below)$/,
    // (logs, other services' files, every process)
    ['reads-everything', 'monitor'],
    'reads the whole system'
  ],
  [
    /^(amazon-ecs-init|amazon-ecs-agent|amazon-ecs-volume-plugin|docker-compose|nerdctl|ctr)$/,
    ['containers'],
    'runs containers'
  ],
  [
    /^(swtpm|tpm_server|tpm2-abrmd|keylime_agent|dcgm-init|nv-hostengine|nvidia-smi)$/,
    ['devices'],
    'uses the TPM or the GPU'
  ],
  [
    /^scylla_.*$/,
    ['system-writer', 'devices', 'sysctl'],
    "one of ScyllaDB's scripts that tune the machine"
  ],
  [/^(teleport)$/, ['login', 'network'], 'gives users a shell'],
  [/^(salt-master|salt-api|salt-syndic)$/, ['etc-write'], 'keeps its keys in /etc/salt']
]

/** Where well-known programs keep their data (beyond /var/lib/NAME, /var/log/NAME, /var/cache/NAME). */
export const KNOWN_PATHS: ReadonlyArray<[RegExp, string[]]> = [
  [
    /^(postgres|postmaster|pg_ctl|pg_ctlcluster)$/,
    ['/var/lib/postgresql', '/var/log/postgresql', '/run/postgresql']
  ],
  // Debian's pgbouncer.ini logs to /var/log/postgresql and keeps its PID file in /run/postgresql
  // (strict's ProtectSystem= stopped it starting in the booted container, session 27)
  [/^(pgbouncer)$/, ['/var/log/postgresql', '/run/postgresql']],
  // (alertmanager's silences were lost at each restart under strict: Debian keeps them there)
  [/^(alertmanager|prometheus-alertmanager)$/, ['/var/lib/prometheus/alertmanager']],
  [/^(prometheus)$/, ['/var/lib/prometheus']],
  // Debian's knot-resolver keeps kresd's cache under the package's name (strict's ProtectSystem=
  // stopped it starting: "can't open cache path '/var/cache/knot-resolver'", round 4)
  [/^(kresd)$/, ['/var/cache/knot-resolver', '/var/lib/knot-resolver', '/run/knot-resolver']],
  [
    /^(mysqld|mariadbd|mysqld_safe|mariadbd-safe)$/,
    ['/var/lib/mysql', '/var/log/mysql', '/run/mysqld']
  ],
  [/^(redis-server)$/, ['/var/lib/redis', '/var/log/redis', '/run/redis']],
  [/^(valkey-server)$/, ['/var/lib/valkey', '/var/log/valkey', '/run/valkey']],
  [/^(mongod|mongos)$/, ['/var/lib/mongodb', '/var/log/mongodb']],
  [/^(nginx)$/, ['/var/log/nginx', '/var/lib/nginx', '/var/cache/nginx']],
  [
    /^(apache2|httpd)$/,
    [
      '/var/log/apache2',
      '/var/log/httpd',
      '/var/lib/apache2',
      '/var/cache/apache2',
      '/run/apache2',
      '/run/httpd'
    ]
  ],
  [/^(named)$/, ['/var/cache/bind', '/var/lib/bind', '/run/named']],
  [/^(dnsmasq)$/, ['/var/lib/misc']],
  [/^(squid|squid3)$/, ['/var/spool/squid', '/var/log/squid', '/var/cache/squid']],
  [/^(master|postfix|postmulti)$/, ['/var/spool/postfix', '/var/lib/postfix', '/var/mail']],
  [/^(dovecot)$/, ['/var/lib/dovecot', '/run/dovecot', '/var/mail']],
  [/^(auditd)$/, ['/var/log/audit']],
  [/^(rasdaemon)$/, ['/var/lib/rasdaemon']],
  [/^(bird)$/, ['/run/bird']],
  // (Debian's conntrackd.conf: LockFile /var/lock/conntrackd.lock, Path /var/run/conntrackd.sock;
  // ptp4l's uds_address /var/run/ptp4l, phc2sys's /var/run/phc2sys.PID)
  [/^(conntrackd|ptp4l|phc2sys|timemaster)$/, ['/run', '/run/lock']],
  [/^(tuned)$/, ['/etc/tuned', '/run/tuned', '/var/log/tuned']],
  [/^(mdadm|mdcheck|checkarray)$/, ['/var/lib/mdcheck', '/run/mdadm']],
  [/^(virtlogd|virtlockd)$/, ['/var/log/libvirt', '/run/libvirt']],
  [/^(corosync)$/, ['/var/log/corosync', '/var/lib/corosync']],
  [/^(chronyd)$/, ['/var/lib/chrony', '/var/log/chrony', '/run/chrony']],
  [/^(ntpd|ntpsec)$/, ['/var/lib/ntp', '/var/lib/ntpsec', '/var/log/ntpsec']],
  [
    /^(smbd|nmbd|winbindd)$/,
    ['/var/lib/samba', '/var/cache/samba', '/var/log/samba', '/run/samba']
  ],
  [/^(cron|crond)$/, ['/var/spool/cron']],
  // (and the log sockets Debian's haproxy and postfix have it create in their chroots: with
  // ProtectSystem=strict haproxy's log was lost in the booted container, session 27)
  [
    /^(rsyslogd|syslog-ng|syslogd)$/,
    [
      '/var/log',
      '/var/spool/rsyslog',
      '/var/lib/rsyslog',
      '/var/lib/haproxy/dev',
      '/var/spool/postfix/dev'
    ]
  ],
  [/^(mandb)$/, ['/var/cache/man']],
  [
    /^(elasticsearch|opensearch)$/,
    [
      '/var/lib/elasticsearch',
      '/var/log/elasticsearch',
      '/var/lib/opensearch',
      '/var/log/opensearch'
    ]
  ],
  [/^(rabbitmq-server|beam\.smp)$/, ['/var/lib/rabbitmq', '/var/log/rabbitmq']],
  [/^(grafana-server|grafana)$/, ['/var/lib/grafana', '/var/log/grafana']],
  [/^(jenkins)$/, ['/var/lib/jenkins', '/var/cache/jenkins', '/var/log/jenkins']],
  // (and its online configuration, cn=config, the default of Debian's and Red Hat's packages: an
  // ldapmodify of cn=config writes slapd.d, which under ProtectSystem=strict failed with "Other
  // (e.g., implementation specific) error (80)", slapd active and answering, round 5)
  [/^(slapd)$/, ['/var/lib/ldap', '/run/slapd', '/etc/ldap/slapd.d', '/etc/openldap/slapd.d']],
  // (Debian's logs are files in /var/log itself, which logrotate replaces: the directory, session 27)
  [/^(fail2ban-server)$/, ['/var/lib/fail2ban', '/run/fail2ban', '/var/log']],
  [/^(cupsd)$/, ['/var/spool/cups', '/var/cache/cups', '/var/log/cups', '/run/cups', '/etc/cups']],
  [/^(sshd)$/, ['/run/sshd']],
  [/^(snmpd)$/, ['/var/lib/snmp']],
  [/^(haproxy)$/, ['/run/haproxy']],
  [/^(php-fpm[0-9.]*|php\d*-fpm)$/, ['/run/php', '/var/log', '/var/lib/php']],
  [/^(munin-node)$/, ['/var/log/munin', '/var/lib/munin-node', '/run/munin']]
]

/** Program names too generic to name a data directory after. */
const GENERIC_NAMES =
  /^(sh|bash|dash|zsh|env|node|nodejs|java|python[0-9.]*|ruby|perl|php[0-9.]*|dotnet|true|false|sleep|exec|nice|sudo|su|runuser|start-stop-daemon|systemctl|service|run|start|main|app|server|daemon|bin|s6-.*)$/

const traitCache = new Map<string, Array<[Trait, string]>>()

/**
 * Which of a list of patterns a name matches (their indexes, in list order). A pattern of the form
 * ^(a|b|c)$ without flags is taken apart: its plain-name alternatives are looked up in one Map and
 * only the others stay regular expressions, small ones, compiled when first needed (compiling one
 * alternation of every name cost several milliseconds at the first suggestion of every run).
 */
export function patternMatcher(patterns: readonly RegExp[]): (name: string) => number[] {
  const literal = new Map<string, number[]>()
  /** the alternatives of each pattern that are not plain names, as one pattern source */
  const wildcards: Array<{ index: number; source: string; regex?: RegExp }> = []
  /** patterns of another form, tested as they are */
  const whole: Array<{ index: number; regex: RegExp }> = []
  patterns.forEach((pattern, index) => {
    const alternatives = topAlternatives(pattern)
    if (alternatives === undefined) {
      whole.push({ index, regex: pattern })
      return
    }
    const rest: string[] = []
    for (const alternative of alternatives) {
      if (!PLAIN_ALTERNATIVE.test(alternative)) {
        rest.push(alternative)
        continue
      }
      const name = alternative.replace(/\\\./g, '.')
      const indexes = literal.get(name)
      if (indexes === undefined) literal.set(name, [index])
      else if (indexes.at(-1) !== index) indexes.push(index)
    }
    if (rest.length) wildcards.push({ index, source: `^(?:${rest.join('|')})$` })
  })
  let anyWildcard: RegExp | undefined
  return (name) => {
    const matched = [...(literal.get(name) ?? [])]
    // one test of every wildcard alternative together tells whether any can match
    anyWildcard ??= new RegExp(wildcards.map((w) => `(?:${w.source})`).join('|') || '(?!)')
    if (anyWildcard.test(name)) {
      for (const w of wildcards)
        if ((w.regex ??= new RegExp(w.source)).test(name)) matched.push(w.index)
    }
    for (const w of whole) if (w.regex.test(name)) matched.push(w.index)
    return matched.length > 1 ? [...new Set(matched)].sort((a, b) => a - b) : matched
  }
}

/** Letters, digits, '_', '-' and escaped dots: an alternative that matches one name only. */
const PLAIN_ALTERNATIVE = /^(?:[A-Za-z0-9_-]|\\\.)+$/

/** The alternatives of a ^(a|b|c)$ pattern without flags; undefined for any other form. */
function topAlternatives(pattern: RegExp): string[] | undefined {
  const source = pattern.source
  if (pattern.flags !== '' || !source.startsWith('^(') || !source.endsWith(')$')) return undefined
  // the group opened after ^ closes right before $; no backreference (numbers change)
  if (/\\[1-9k]/.test(source) || groupEnd(source, 1) !== source.length - 2) return undefined
  const alternatives: string[] = []
  let from = 2
  eachStructural(source, 2, source.length - 2, (i, c, depth) => {
    if (c === '|' && depth === 0) {
      alternatives.push(source.slice(from, i))
      from = i + 1
    }
    return false
  })
  alternatives.push(source.slice(from, source.length - 2))
  return alternatives
}

/** Where the group that opens at `start` closes in a pattern's source (-1: never). */
function groupEnd(source: string, start: number): number {
  return eachStructural(source, start, source.length, (_, c, depth) => c === ')' && depth === 0)
}

/**
 * Visits the characters of a pattern's source from `from` to `to` that are neither escaped nor in
 * a character class, with the group depth after each; returns where `visit` said stop (-1: never).
 */
function eachStructural(
  source: string,
  from: number,
  to: number,
  visit: (index: number, char: string, depth: number) => boolean
): number {
  let depth = 0
  let inClass = false
  for (let i = from; i < to; i++) {
    const c = source[i]!
    if (c === '\\') {
      i++
      continue
    }
    if (inClass) {
      inClass = c !== ']'
      continue
    }
    if (c === '[') inClass = true
    else if (c === '(') depth++
    else if (c === ')') depth--
    if (visit(i, c, depth)) return i
  }
  return -1
}

// built at the first suggestion, not at every start
let programMatcher: ((name: string) => number[]) | undefined
let knownPathsMatcher: ((name: string) => number[]) | undefined
const matchPrograms = (name: string): number[] =>
  (programMatcher ??= patternMatcher(PROGRAMS.map(([pattern]) => pattern)))(name)
const matchKnownPaths = (name: string): number[] =>
  (knownPathsMatcher ??= patternMatcher(KNOWN_PATHS.map(([pattern]) => pattern)))(name)
const knownPathsCache = new Map<string, string[]>()

/** Where a program of this name keeps its data (KNOWN_PATHS). */
function knownPaths(program: string): string[] {
  const cached = knownPathsCache.get(program)
  if (cached) return cached
  const out: string[] = []
  for (const index of matchKnownPaths(program)) out.push(...KNOWN_PATHS[index]![1])
  if (knownPathsCache.size < 10000) knownPathsCache.set(program, out)
  return out
}

/** The names a StateDirectory=-like directive's lines declare. */
function directoryNames(lines: readonly string[] | undefined): string[] {
  const names: string[] = []
  for (const line of lines ?? []) for (const name of line.split(/\s+/)) if (name) names.push(name)
  return names
}

/**
 * The recorded directives with one shape for every unit (every RECORDED_DIRECTIVES key, in its
 * order), so that reading them by name stays fast whatever order a unit set them in.
 */
export function recordedView(
  recorded: Readonly<Record<string, readonly string[]>>
): Readonly<Record<string, readonly string[] | undefined>> {
  const view: Record<string, readonly string[] | undefined> = { ...RECORDED_SHAPE }
  for (const key in recorded) view[key] = recorded[key]
  return view
}

const RECORDED_SHAPE: Readonly<Record<string, undefined>> = Object.fromEntries(
  Object.keys(RECORDED_DIRECTIVES).map((key) => [key, undefined])
)

/**
 * Why the unit is for a user's service manager, if it is: systemd's directory says so, or a sign in
 * its path that the unit does not contradict (a user unit sets no User= and no DynamicUser=; one
 * named like foo-user.service is also installed into default.target), or a target only user
 * managers have.
 */
function userManagerEvidence(
  scope: ScopeHint | undefined,
  s: Pick<ServiceSettings, 'user' | 'dynamicUser'>,
  rec: Readonly<Record<string, readonly string[] | undefined>>
): string | undefined {
  if (scope?.scope === 'system') return undefined
  if (scope !== undefined && !scope.weak) return scope.evidence
  const ownUser = s.user === undefined && !s.dynamicUser
  if (scope !== undefined && ownUser) {
    if (!scope.byName) return `${scope.evidence}; it sets no User=`
    if ((rec.WantedBy ?? []).some((line) => /(^|\s)default\.target(\s|$)/.test(line))) {
      return `${scope.evidence}; WantedBy=default.target, no User=`
    }
  }
  for (const key of ['After', 'Wants', 'Requires', 'BindsTo', 'PartOf', 'WantedBy']) {
    const line = rec[key]?.find((value) => USER_ONLY_TARGETS.test(value))
    if (line !== undefined) {
      const target = USER_ONLY_TARGETS.exec(line)![2]!
      return `${key}=${target}.target: only user managers have it`
    }
  }
  return undefined
}

/** Words that name hardware a service drives (cameras, fans, GPIO pins, buses, sensors, the TPM). */
const HARDWARE_WORD =
  /^(camera|cam|webcam|[a-z]+cam|oled|lcd|i2c|spi|uart|serial|gps|sdr|zigbee[a-z0-9]*|zwave[a-z0-9]*|modbus|thermostat|ds18b20|dht(11|22)|bm[ep]280|hdmi[a-z0-9]*|v4l2?[a-z0-9]*|uvc|tpm[0-9]*|sensors?)$/
/** Of those, pins driven through /sys (GPIO, PWM): /sys must stay writable too. */
const PIN_WORD = /^((pi)?fans?|gpio[a-z0-9]*|pwm|servo|buzzer|leds?|neopixels?|ws281x)$/

/** The first hardware word in a name or text (split at anything but letters and digits). */
function hardwareWord(
  text: string,
  where: string
): { evidence: string; pins: boolean } | undefined {
  for (const word of text
    .toLowerCase()
    .slice(0, 200)
    .split(/[^a-z0-9]+/)) {
    const pins = PIN_WORD.test(word)
    if (pins || HARDWARE_WORD.test(word)) {
      return { evidence: `${where} says ${word}: it drives hardware`, pins }
    }
  }
  return undefined
}

/** The traits a program name implies, with what the evidence should say. */
function programTraits(base: string): Array<[Trait, string]> {
  const cached = traitCache.get(base)
  if (cached) return cached
  const out: Array<[Trait, string]> = []
  if (traitCache.size < 10000) traitCache.set(base, out)
  for (const index of matchPrograms(base)) {
    const [, traits, what] = PROGRAMS[index]!
    for (const trait of traits) out.push([trait, `${base}${what ? ` (${what})` : ''}`])
  }
  return out
}

// ---------------------------------------------------------------------------------------------------
// reading commands, environment, ports and paths

const EXEC_PREFIX = /^[-@:+!]+/

/** Splits an Exec*= line into commands (';' separated), with systemd's quoting rules. */
function splitCommands(line: string, directive: string): Command[] {
  const commands: Command[] = []
  let position = 0
  let argv: string[] = []
  let unsandboxed = false
  let elevated = false
  for (;;) {
    const next = extractFirstWord(line, position, { unquote: true, cunescape: true })
    if (next === undefined || 'error' in next) break
    position = next.next
    if (next.word === ';') {
      if (argv.length) commands.push({ argv, directive, unsandboxed, elevated })
      argv = []
      unsandboxed = false
      elevated = false
      continue
    }
    if (argv.length === 0) {
      const prefix = EXEC_PREFIX.exec(next.word)?.[0] ?? ''
      unsandboxed = prefix.includes('+')
      // '!!' ran as root only on kernels without ambient capabilities (none since 4.3; gone in 258)
      elevated = prefix.includes('!') && !prefix.includes('!!')
      argv.push(next.word.slice(prefix.length))
      // '@' means the next word is argv[0]: the path stays what runs.
      if (prefix.includes('@')) {
        const skip = extractFirstWord(line, position, { unquote: true, cunescape: true })
        if (skip !== undefined && !('error' in skip)) position = skip.next
      }
    } else {
      argv.push(next.word)
    }
  }
  if (argv.length) commands.push({ argv, directive, unsandboxed, elevated })
  return commands
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

const SHELLS = /^(sh|bash|dash|zsh|ksh|mksh|ash)$/

/**
 * The command string of `sh -c STRING` (also `bash -euo pipefail -c`, `sh -ec`, `busybox sh -c`), or
 * undefined when the command is not a shell running one.
 */
export function shellScriptOf(argv: readonly string[]): string | undefined {
  let i = 1
  if (basename(argv[0] ?? '') === 'busybox' && SHELLS.test(argv[1] ?? '')) i = 2
  else if (!SHELLS.test(basename(argv[0] ?? ''))) return undefined
  let command = false
  for (; i < argv.length; i++) {
    const word = argv[i]!
    if (word === '--' || word === '-') continue
    if (/^[-+]-?[A-Za-z]/.test(word)) {
      if (word.startsWith('--')) continue // --norc, --login ...
      if (word.slice(1).includes('c')) command = true
      if (word.slice(1).includes('o')) i++ // -o OPTION, -euo pipefail
      continue
    }
    return command ? word : undefined
  }
  return undefined
}

/** How much of a `sh -c` script the profile reads. */
const SCRIPT_LIMIT = 16 * 1024

/** Shell words that start a command without being its program. */
const SHELL_KEYWORDS =
  /^(exec|command|builtin|time|!|then|do|else|elif|if|while|until|fi|done|esac|in|\{|\})$/

/**
 * The simple commands of a shell script, roughly: split at ; & | ( ) ` $( and newlines, quotes
 * dropped, keywords and leading assignments skipped, redirections kept as their target (a command
 * that writes `> /sys/...` shows the path). Enough to see which programs it runs and which paths it
 * names; variables stay as written. Linear in the script's length.
 */
export function scriptCommands(script: string): string[][] {
  const commands: string[][] = []
  for (const segment of script.split(/[;&|()`\n]|\$\(/)) {
    const argv: string[] = []
    for (const raw of segment.split(/\s+/)) {
      // a redirection's target stays as a word of its own ('2>/dev/null' -> '/dev/null')
      const word = raw.replace(/^\d*[<>]+/, '').replace(/["']/g, '')
      if (word === '') continue
      if (argv.length === 0 && (SHELL_KEYWORDS.test(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)))
        continue
      argv.push(word)
    }
    if (argv.length) commands.push(argv)
  }
  return commands
}

/** Programs that run a script or module named after them (python3 app.py, java -jar app.jar). */
const INTERPRETERS = /^(python[0-9.]*|node|nodejs|ruby|perl|php[0-9.]*|java|bash|sh|dash|deno|bun)$/

/**
 * Where the words after an interpreter (from argv[start]) name what it runs: the word after -m or
 * -jar, else the first that is no option; none at -c (code follows).
 */
function interpretedIndex(argv: readonly string[], start: number): number | undefined {
  for (let i = start; i < argv.length; i++) {
    const word = argv[i]!
    if ((word === '-m' || word === '-jar') && argv[i + 1]) return i + 1
    if (word === '-c') return undefined
    if (!word.startsWith('-')) return i
  }
  return undefined
}

/** The script file an interpreter runs (python3 -u /home/pi/app.py), if argv starts with one. */
function scriptOf(argv: readonly string[]): string | undefined {
  if (!INTERPRETERS.test(basename(argv[0] ?? ''))) return undefined
  const index = interpretedIndex(argv, 1)
  // a module name (-m) or code (-e) is no file
  if (index === undefined || argv[index - 1] === '-m' || argv[index - 1] === '-e') return undefined
  return argv[index]
}

/** Daemons that listen on a port below 1024 unless configured otherwise, by that port. */
const DEFAULT_PORTS: ReadonlyMap<string, number> = new Map(
  (
    [
      [21, 'vsftpd proftpd pure-ftpd bftpd in.ftpd'],
      [22, 'sshd dropbear'],
      [25, 'master postfix postmulti smtpd exim exim4 sendmail'],
      [53, 'named unbound dnsmasq nsd knotd kresd coredns pdns_server pdns_recursor dnsdist'],
      [67, 'dhcpd kea-dhcp4'],
      [69, 'in.tftpd tftpd atftpd'],
      [80, 'nginx apache2 httpd lighttpd caddy traefik h2o'],
      [88, 'krb5kdc'],
      [111, 'rpcbind'],
      [123, 'ntpd ntpsec openntpd chronyd'],
      [137, 'nmbd'],
      [143, 'dovecot'],
      [161, 'snmpd'],
      [389, 'slapd'],
      [445, 'smbd'],
      [631, 'cupsd'],
      [873, 'rsyncd']
    ] as const
  ).flatMap(([port, names]) => names.split(' ').map((name) => [name, port] as const))
)

/** Directory names that say nothing of the program below them. */
const GENERIC_DIRECTORIES = new Set([
  'usr',
  'local',
  'share',
  'lib',
  'lib64',
  'libexec',
  'bin',
  'sbin',
  'opt',
  'etc',
  'scripts',
  'script',
  'helpers',
  'init.d'
])

/** The innermost directory of a program's path named after a program the table knows. */
function daemonDirectoryOf(program: string): string | undefined {
  const parts = program.split('/').slice(0, -1).reverse()
  return parts.find((p) => p !== '' && !GENERIC_DIRECTORIES.has(p) && programTraits(p).length > 0)
}

/** The program names a command runs: argv0, and what an interpreter or wrapper starts. */
function programsOf(argv: string[]): string[] {
  const names: string[] = []
  const first = basename(argv[0] ?? '')
  if (first) names.push(first)
  // a helper in a daemon's own directory runs that daemon (Debian's
  // /usr/share/dnsmasq/systemd-helper, /usr/share/memcached/scripts/systemd-memcached-wrapper:
  // both failed as a dynamic user in a booted container, session 27)
  if (first && programTraits(first).length === 0) {
    const owner = daemonDirectoryOf(argv[0]!)
    if (owner !== undefined) names.push(owner)
  }
  // options of wrappers that take a value
  const withValue =
    /^-(u|g|n|c|s|p|t|k|U|G)$|^--(user|group|uid|gid|chuid|adjustment|signal|kill-after|reuid|regid|groups|pidfile|make-pidfile|name)$/
  if (first === 'start-stop-daemon') {
    const exec = argv.findIndex(
      (w) => w === '--exec' || w === '-x' || w === '--startas' || w === '-a'
    )
    if (exec >= 0 && argv[exec + 1]) names.push(basename(argv[exec + 1]!))
  } else if (
    /^(env|nice|ionice|nohup|setsid|timeout|stdbuf|chpst|sudo|runuser|setpriv|gosu|su-exec|s6-setuidgid|dumb-init|tini|catatonit|systemd-cat|flock|chrt|taskset|numactl|unbuffer)$/.test(
      first
    )
  ) {
    // gosu USER prog, su-exec USER prog, s6-setuidgid USER prog: the first plain word is the user
    let skipUser = /^(gosu|su-exec|s6-setuidgid)$/.test(first)
    // timeout DURATION prog, flock FILE prog, taskset MASK prog, chrt PRIO prog
    let skipOne = /^(timeout|flock|taskset|chrt)$/.test(first)
    for (let i = 1; i < argv.length; i++) {
      const word = argv[i]!
      if (word === '--') continue
      if (word.startsWith('-')) {
        if (withValue.test(word)) i++
        continue
      }
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue
      if (skipUser) {
        skipUser = false
        continue
      }
      if (skipOne) {
        skipOne = false
        continue
      }
      names.push(basename(word))
      break
    }
  }
  // an interpreter running a named script or module
  const last = names[names.length - 1] ?? ''
  if (INTERPRETERS.test(last)) {
    const index = interpretedIndex(argv, argv.findIndex((w) => basename(w) === last) + 1)
    if (index !== undefined) names.push(basename(argv[index]!))
  }
  return names.filter((n) => n !== '')
}

interface PortHit {
  port: number
  evidence: string
  local: boolean
  /** a socket unit's: systemd binds it and hands the service the socket */
  bySocket?: boolean
}

const LOCAL_HOST = /^(127\.[0-9.]+|localhost|\[?::1\]?|ip6-localhost)$/

/** host:port or [v6]:port inside a word; port alone after a port-ish flag. */
function portsInWord(word: string, where: string, hits: PortHit[]): void {
  const re = /(?:^|[=\s,;/])(\[[0-9a-fA-F:.]*\]|[A-Za-z0-9.*-]*):(\d{1,5})(?=$|[/\s,;])/g
  let m: RegExpExecArray | null
  while ((m = re.exec(word)) !== null) {
    const host = m[1]!
    const port = Number(m[2])
    // not a time (12:30) or a ratio: a host part that is empty, an address or a name
    if (port === 0 || port > 65535) continue
    if (/^[0-9]{1,2}$/.test(host)) continue
    if (/^[a-z]+$/i.test(host) && !/^(localhost|any|all)$/i.test(host) && /:\/\//.test(word))
      continue
    if (word.includes('://')) continue
    hits.push({
      port,
      evidence: `${where} ${safeText(word, 50)}`,
      local: LOCAL_HOST.test(host.replace(/^\[|\]$/g, ''))
    })
  }
}

const PORT_FLAG =
  /^-{1,2}([a-z0-9-]*port|p|listen|bind|addr|address|http|https|web\.listen-address|listen-address|http-addr)$/i
const PORT_FLAG_INLINE = /^-{1,2}([a-z0-9.-]*(port|listen|bind|addr|address))=(.+)$/i

function portsInArgv(argv: string[], where: string, hits: PortHit[]): void {
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!
    const inline = PORT_FLAG_INLINE.exec(word)
    if (inline) {
      const value = inline[3]!
      if (/^\d{1,5}$/.test(value)) {
        const port = Number(value)
        if (port > 0 && port <= 65535)
          hits.push({ port, evidence: `${where} ${safeText(word, 50)}`, local: false })
      } else {
        portsInWord(`=${value}`, where, hits)
      }
      continue
    }
    if (PORT_FLAG.test(word) && i + 1 < argv.length) {
      const value = argv[i + 1]!
      if (/^\d{1,5}$/.test(value)) {
        const port = Number(value)
        if (port > 0 && port <= 65535) {
          hits.push({
            port,
            evidence: `${where} ${safeText(`${word} ${value}`, 50)}`,
            local: false
          })
        }
        i++
        continue
      }
    }
    portsInWord(word, where, hits)
  }
}

/** KEY=VALUE pairs of Environment= lines (quotes removed, later ones win). */
function environmentOf(lines: readonly string[]): Map<string, string> {
  const env = new Map<string, string>()
  for (const line of lines) {
    for (const word of extractWords(line, { unquote: true }).words) {
      const eq = word.indexOf('=')
      if (eq > 0) env.set(word.slice(0, eq), word.slice(eq + 1))
    }
  }
  return env
}

const WRITE_FLAG =
  /(log|data|dir|db|database|state|cache|spool|pid|store|storage|var|lib|output|out|socket|sock|tmp|temp|upload|work|home|queue|journal|wal|backup|dump|save|record|persist)/i
const WRITE_PREFIXES = [
  '/var/lib/',
  '/var/log/',
  '/var/cache/',
  '/var/spool/',
  '/var/tmp/',
  '/var/www/',
  '/run/',
  '/var/run/',
  '/srv/',
  '/data/',
  '/mnt/',
  '/media/',
  '/var/opt/',
  '/var/backups/',
  '/var/mail/'
]
const FILE_EXTENSION =
  /\.(pid|log|sock|socket|db|sqlite3?|lock|json|txt|out|err|csv|dat|state|journal)$/i
/** something in a user's home directory, not the directory itself */
const HOME_ENTRY = /^\/(home\/[^/]+|root)\/./
/** files a service reads and does not write: configuration, keys, programs */
const READ_FILE =
  /\.(conf|cfg|cnf|ini|ya?ml|toml|xml|properties|env|pem|crt|cert|key|pub|p12|jks|js|mjs|cjs|py|sh|rb|pl|php|jar|war|so|bin|x86_64|exe)$/i

function normalisePath(path: string): string {
  let p = path.replace(/\/+/g, '/')
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1)
  if (p === '/var/run' || p.startsWith('/var/run/')) p = '/run' + p.slice('/var/run'.length)
  if (p === '/var/lock' || p.startsWith('/var/lock/')) p = '/run/lock' + p.slice('/var/lock'.length)
  return p
}

/** Absolute paths inside a word (a=/x, --flag=/x, /x:/y). */
function pathsInWord(word: string): string[] {
  const out: string[] = []
  for (const part of word.split(/[=:,]/)) {
    if (part.startsWith('/') && part.length > 1) out.push(part)
  }
  return out
}

// ---------------------------------------------------------------------------------------------------

/** A command that runs a SysV init script (/etc/init.d/NAME, Red Hat's /etc/rc.d/init.d/NAME). */
const runsInitScript = (c: Command): boolean => /^\/etc\/(rc\.d\/)?init\.d\/./.test(c.argv[0] ?? '')

/** The needs of a loaded service. `sockets`: the socket units that activate it, if any. */
export function buildProfile(
  loaded: LoadedService,
  unit: UnitName,
  sockets: readonly SocketUnitFiles[] = [],
  scope?: ScopeHint
): ServiceProfile {
  // (one shape for every unit's settings and recorded directives: see shapedSettings)
  const s = shapedSettings(loaded.settings)
  const rec = recordedView(s.recorded)
  const traits = new Map<Trait, string>()
  const note = (trait: Trait, evidence: string): void => {
    if (!traits.has(trait)) traits.set(trait, safeText(evidence))
  }
  const runsAsRoot = settingsRunPrivileged(s)

  // commands
  const commands: Command[] = []
  const addCommands = (line: string, directive: string): void => {
    for (const command of splitCommands(line, directive)) {
      commands.push(command)
      // what `sh -c '...'` runs counts as run by the same directive
      const script = shellScriptOf(command.argv)
      if (script === undefined) continue
      // (a real one is short: a hostile one of 100,000s of commands costs no more than its start)
      for (const argv of scriptCommands(script.slice(0, SCRIPT_LIMIT)).slice(0, 64))
        commands.push({ ...command, argv })
    }
  }
  for (const line of s.execStartLines) addCommands(line, 'ExecStart')
  for (const directive of [
    'ExecStartPre',
    'ExecStartPost',
    'ExecCondition',
    'ExecReload',
    'ExecStop',
    'ExecStopPost'
  ]) {
    for (const line of rec[directive] ?? []) addCommands(line, directive)
  }
  const programs: string[] = []
  /** sandboxed commands whose program the table knows for more than being a script or a setup step */
  const knownCommands = new Set<Command>()
  /** the first daemon with a default port below 1024 that a sandboxed ExecStart= runs */
  let defaultPortProgram: string | undefined
  for (const command of commands) {
    for (const name of programsOf(command.argv)) {
      if (!programs.includes(name)) programs.push(name)
      // '+' commands run outside the sandbox: what they do needs no exception
      if (command.unsandboxed) continue
      if (command.directive === 'ExecStart' && DEFAULT_PORTS.has(name)) defaultPortProgram ??= name
      if (command.elevated)
        note(
          'drops-privileges',
          `${command.directive}=! runs ${name} as root, which changes credentials itself`
        )
      for (const [trait, evidence] of programTraits(name)) {
        if (trait !== 'script' && trait !== 'setup-as-root') knownCommands.add(command)
        // a root-only setup step matters only while the service is started as root
        if (trait === 'setup-as-root' && command.directive === 'ExecStart') continue
        // a shell in ExecStartPre says little about the main program
        if (trait === 'script' && command.directive !== 'ExecStart') continue
        note(trait, `${command.directive} runs ${evidence}`)
      }
    }
  }
  // An init script's stop and start-stop-daemon --exec find the daemon in /proc by its program
  // (/proc/PID/exe): once it has switched to its own user, root reads that link only with
  // CAP_SYS_PTRACE, the stop finds nothing and the daemon stays running. slapd (Debian 12 has an
  // init script only; the generated unit has KillMode=process) then failed its next start with
  // "bind(8) failed errno=98 (Address already in use)", round 5. (By --pidfile alone, as nginx's
  // ExecStop=, or by name, as pkill and pidof: /proc/PID/stat, which anyone reads.)
  const sandboxedArgs = commands.filter((c) => !c.unsandboxed)
  if (traits.has('drops-privileges')) {
    const finder = sandboxedArgs.find(
      (c) =>
        (c.directive === 'ExecStop' || c.directive === 'ExecReload') &&
        (runsInitScript(c) ||
          (basename(c.argv[0] ?? '') === 'start-stop-daemon' &&
            c.argv.some((w) => /^(--exec|-x)(=|$)/.test(w))))
    )
    if (finder !== undefined)
      note(
        'finds-process',
        `${finder.directive} runs ${basename(finder.argv[0] ?? '')}, which finds the daemon by /proc/PID/exe after it switched user`
      )
  }
  // A one-shot or early-boot task that runs as root a program the table does not know (a setup script,
  // say: these were most of the drop-ins that broke a service in public repositories): what it
  // changes is not in the unit, so it keeps its identity, the file system, the devices, /sys and
  // netlink (interfaces, rfkill).
  // A SysV init script run by its generated unit (or a unit written like one) is such a program too:
  // what it starts, as whom and where it writes is in the script (runtime round 5: the unknown
  // script got DynamicUser=yes and an empty bounding set).
  const settings = loaded.settings
  const initScript = sandboxedArgs.find((c) => c.directive === 'ExecStart' && runsInitScript(c))
  if (
    runsAsRoot &&
    (settings.type === 'oneshot' || !settings.defaultDependencies || initScript !== undefined)
  ) {
    // (a unit whose ExecStart= does nothing, such as a one-shot with only ExecStop=, by what it
    // does run; one that runs nothing but `true` or `sleep` has no needs to keep)
    const doing = sandboxedArgs.filter(
      (c) => !/^(true|false|sleep|echo|:)$/.test(basename(c.argv[0] ?? ''))
    )
    const starts = doing.filter((c) => c.directive === 'ExecStart')
    const main = starts.length ? starts : doing
    const known = main.some((c) => knownCommands.has(c))
    const program = main[0] ? basename(main[0].argv[0] ?? '') : ''
    if (!known && program !== '') {
      const evidence = initScript
        ? `${program} is an init script run as root: what it starts is not in the unit`
        : settings.defaultDependencies
          ? `Type=oneshot: ${program} runs as root, a task of unknown needs`
          : `DefaultDependencies=no: ${program} runs as root in early boot`
      for (const trait of ['system-writer', 'devices', 'mount', 'sysctl', 'netlink'] as const)
        note(trait, evidence)
    }
  }
  const standardInput = rec.StandardInput?.at(-1)
  if (standardInput?.startsWith('tty'))
    note('login', `StandardInput=${standardInput}: an interactive console session`)
  // A unit named for a piece of hardware (camera.service, a fan controller, Description=GPIO
  // buttons): small repositories hold many, and a private /dev or a dynamic user breaks them.
  const hardware =
    hardwareWord(unit.prefix, 'its name') ??
    hardwareWord(rec.Description?.at(-1) ?? '', 'its Description=') ??
    programs.map((p) => hardwareWord(p, 'the program')).find((w) => w !== undefined)
  if (hardware !== undefined) {
    note('devices', hardware.evidence)
    if (hardware.pins) note('sysctl', hardware.evidence)
  }
  const allWords: string[] = []
  for (const command of sandboxedArgs) for (const word of command.argv) allWords.push(word)
  if (allWords.some((w) => /\$\{?[A-Za-z_]/.test(w))) {
    note('unknown-options', 'the command line takes options from environment variables')
  }
  if (allWords.some((w) => /^\/(proc\/sys|sys)(\/|$)/.test(w)))
    note('sysctl', 'a command writes /proc/sys or /sys')
  if (allWords.some((w) => /^\/(dev\/kmsg|proc\/kmsg)$/.test(w)))
    note('kmsg', 'a command reads the kernel log')
  if (rec.Sockets?.length) note('network', `Sockets=${rec.Sockets.join(' ')}`)

  // environment
  const env = environmentOf(rec.Environment ?? [])
  const environmentFiles: string[] = []
  for (const line of rec.EnvironmentFile ?? []) {
    for (const word of extractWords(line, { unquote: true }).words)
      environmentFiles.push(word.replace(/^-/, ''))
  }

  // ports: companion sockets, arguments, environment
  const ports: PortHit[] = []
  for (const socket of sockets) {
    // its file name: it lies beside the unit, and a reason that quotes it is cut at 70 characters
    // (a path from the working directory left "port 69 (units/some/deeper/dir/x.socket: Liste...")
    const socketName = safeText(socket.main.path.slice(socket.main.path.lastIndexOf('/') + 1), 40)
    // what it listens on once its drop-ins are read: an empty Listen*= drops all before it
    let listens: Array<{ key: string; value: string }> = []
    for (const file of [socket.main, ...socket.dropIns]) {
      if (!file.bytes) continue
      for (const a of parseUnitText(file.bytes, ['Unit', 'Socket', 'Install']).assignments) {
        if (a.section !== 'Socket' || !/^Listen[A-Z]/.test(a.key)) continue
        if (a.value.trim() === '') listens = []
        else listens.push({ key: a.key, value: a.value })
      }
    }
    for (const { key, value } of listens) {
      if (/^Listen(Stream|Datagram|SequentialPacket)$/.test(key)) {
        const v = value.trim()
        if (v.startsWith('/') || v.startsWith('@')) continue // AF_UNIX socket
        const m = /(?:^|:)(\d{1,5})$/.exec(v)
        if (m) {
          const port = Number(m[1])
          const host = v
            .slice(0, v.length - m[1]!.length)
            .replace(/:$/, '')
            .replace(/^\[|\]$/g, '')
          ports.push({
            port,
            evidence: `${socketName}: ${key}=${safeText(v, 40)}`,
            local: LOCAL_HOST.test(host),
            bySocket: true
          })
        }
        note('network', `${socketName}: ${key}=${safeText(v, 40)}`)
      } else if (key === 'ListenNetlink') {
        note('netlink', `${socketName}: ListenNetlink=${safeText(value, 40)}`)
      }
    }
  }
  for (const command of sandboxedArgs) portsInArgv(command.argv, command.directive, ports)
  for (const [key, value] of env) {
    if (/PORT/i.test(key) && /^\d{1,5}$/.test(value)) {
      const port = Number(value)
      if (port > 0 && port <= 65535)
        ports.push({
          port,
          evidence: `Environment=${safeText(`${key}=${value}`, 40)}`,
          local: false
        })
    } else if (/(LISTEN|BIND|ADDR|HOST|URL|PORT)/i.test(key)) {
      portsInWord(`=${value}`, `Environment=${key}`, ports)
    }
    if (/^(https?|wss?|tcp|udp|postgres(ql)?|mysql|redis|amqps?|mqtt|ldaps?):\/\//i.test(value)) {
      note('network', `Environment=${key} is a network URL`)
    }
  }
  for (const word of allWords) {
    if (
      /^(https?|wss?|tcp|udp|postgres(ql)?|mysql|redis|amqps?|mqtt|ldaps?|grpc):\/\//i.test(word)
    ) {
      note('network', `argument ${safeText(word, 40)} is a network URL`)
    }
  }
  if (ports.length) note('network', ports[0]!.evidence)
  // A socket unit's port is bound by systemd, which hands the service the socket. Root may also be
  // started without it and bind the port itself, so keeps CAP_NET_BIND_SERVICE; a user without it
  // never could, so the unit relies on the socket and gets no new privilege for it (parity batch 25)
  const privileged = ports.find((p) => p.port < 1024 && (!p.bySocket || runsAsRoot))
  if (privileged) note('privileged-port', `port ${privileged.port} (${privileged.evidence})`)
  else if (ports.length === 0 && defaultPortProgram !== undefined) {
    // a unit that shows no port: the daemon's own default (stock dnsmasq binds 53 from its
    // configuration, which failed as a dynamic user without capabilities, session 27)
    note(
      'privileged-port',
      `port ${DEFAULT_PORTS.get(defaultPortProgram)} (${defaultPortProgram}'s default)`
    )
  }
  const after = [
    ...(rec.After ?? []),
    ...(rec.Wants ?? []),
    ...(rec.Requires ?? []),
    ...(rec.BindsTo ?? [])
  ].join(' ')
  if (/\bnetwork-online\.target\b/.test(after))
    note('network', 'ordered after network-online.target')
  const userManager = userManagerEvidence(scope, s, rec)
  if (userManager !== undefined) note('user-manager', userManager)

  // what the unit already says about the network
  const families = s.addressFamilies
  if (s.privateNetwork) note('no-network', 'PrivateNetwork=yes is already set')
  else if (families === 'none') note('no-network', 'RestrictAddressFamilies=none is already set')
  else if (families?.allowList && !families.families.has(2) && !families.families.has(10)) {
    note('no-network', 'RestrictAddressFamilies= already allows no IP family')
  }
  const neededFamilies = new Set<string>()
  if (families !== undefined && families !== 'none' && families.allowList) {
    // every family the unit allows (the drop-in's list replaces it: ModemManager's AF_QIPCRTR)
    for (const number of families.families) {
      const name = addressFamilyName(number)
      if (name !== undefined) neededFamilies.add(name)
    }
    if (neededFamilies.has('AF_NETLINK'))
      note('netlink', 'RestrictAddressFamilies= already allows AF_NETLINK')
    if (neededFamilies.has('AF_PACKET'))
      note('packet', 'RestrictAddressFamilies= already allows AF_PACKET')
  }

  // capabilities the unit shows it needs
  const neededCapabilities = new Set<string>()
  const explicitBoundingSet =
    loaded.sources.has('CapabilityBoundingSet') && !grantsEveryCapability(s.capabilityBoundingSet)
  if (explicitBoundingSet)
    for (const cap of capabilityNames(s.capabilityBoundingSet)) neededCapabilities.add(cap)
  for (const cap of capabilityNames(s.ambientCapabilities)) neededCapabilities.add(cap)
  // root that keeps the capabilities to switch user does so itself (Debian's memcached wrapper:
  // as a dynamic user "Only root wants to run systemd-memcached-wrapper", session 27)
  const bounding = explicitBoundingSet ? capabilityNames(s.capabilityBoundingSet) : []
  const switchCap = ['CAP_SETUID', 'CAP_SETGID'].find((cap) => bounding.includes(cap))
  if (runsAsRoot && switchCap !== undefined)
    note('drops-privileges', `the unit keeps ${switchCap}: it switches user itself`)
  if (neededCapabilities.has('CAP_NET_ADMIN')) note('net-admin', 'the unit grants CAP_NET_ADMIN')
  if (neededCapabilities.has('CAP_SYS_TIME')) note('time', 'the unit grants CAP_SYS_TIME')
  if (neededCapabilities.has('CAP_SYS_MODULE')) note('modules', 'the unit grants CAP_SYS_MODULE')
  if (neededCapabilities.has('CAP_NET_RAW')) note('packet', 'the unit grants CAP_NET_RAW')
  if (neededCapabilities.has('CAP_SYSLOG')) note('kmsg', 'the unit grants CAP_SYSLOG')
  if (neededCapabilities.has('CAP_SYS_RAWIO')) note('devices', 'the unit grants CAP_SYS_RAWIO')
  if (traits.has('net-admin')) note('netlink', traits.get('net-admin')!)

  // scheduling, delegation, PAM, devices
  const policy = rec.CPUSchedulingPolicy?.at(-1)
  if (policy === 'fifo' || policy === 'rr') note('realtime', `CPUSchedulingPolicy=${policy}`)
  if (s.delegate) note('containers', 'Delegate= hands it a control group subtree')
  if (s.pamName) note('login', `PAMName=${s.pamName} opens login sessions`)
  if (s.keyringMode === 'inherit' || s.keyringMode === 'shared') {
    // an explicit keyring choice is deliberate (user@.service): leave it
  }
  const devices = new Set<string>()
  for (const entry of s.deviceAllow) if (entry.path.startsWith('/dev/')) devices.add(entry.path)
  if (s.deviceAllow.length) note('devices', `DeviceAllow=${s.deviceAllow[0]!.path} is set`)
  const valueWords = [...allWords, ...env.values()]
  for (const word of valueWords) {
    for (const path of pathsInWord(word)) {
      if (
        /^\/dev\/(null|zero|full|u?random|tty|stdin|stdout|stderr|log|shm|mqueue|pts|ptmx|fd)(\/|$)/.test(
          path
        )
      )
        continue
      if (path.startsWith('/dev/') && isSafePath(path)) {
        devices.add(path)
        note('devices', `uses ${path}`)
      }
    }
  }
  const groups = [s.group ?? '', ...s.supplementaryGroups]
  const deviceGroup = groups.find((g) =>
    /^(dialout|tty|video|audio|render|input|plugdev|disk|kvm|lp|uucp|cdrom|floppy|tape|sgx|gpio|i2c|spi|bluetooth|netdev|scanner|lpadmin)$/.test(
      g
    )
  )
  if (deviceGroup) note('devices', `member of the ${deviceGroup} group`)

  // where it writes
  const writes: WritePath[] = []
  const addWrite = (raw: string, evidence: string, file?: boolean): void => {
    const path = normalisePath(raw)
    if (!isSafePath(path) || path === '/') return
    const isFile = file ?? FILE_EXTENSION.test(path)
    if (writes.some((w) => w.path === path)) return
    writes.push({ path, file: isFile, evidence: safeText(evidence) })
  }
  const pidFile = rec.PIDFile?.at(-1)
  if (pidFile) addWrite(pidFile, `PIDFile=${pidFile}`, true)
  const workingDirectory = rec.WorkingDirectory?.at(-1)?.replace(/^-/, '')
  if (workingDirectory && workingDirectory.startsWith('/'))
    addWrite(workingDirectory, `WorkingDirectory=${workingDirectory}`, false)
  // an application installed in a home directory (a virtualenv, a checkout) keeps its data there
  const homeOf = (path: string): string | undefined => /^\/(home\/[^/]+|root)\//.exec(path)?.[1]
  for (const command of sandboxedArgs) {
    // the program, or the environment a script sources first (`source ~/venv/bin/activate && ...`)
    const [first, second] = command.argv
    const program = first === 'source' || first === '.' ? (second ?? '') : (first ?? '')
    let home = homeOf(program)
    let ran = program
    if (home === undefined) {
      // or the script an interpreter in /usr/bin runs (python3 /home/pi/app/main.py); a relative
      // one is found from the working directory, / when there is none
      const named = scriptOf(command.argv)
      if (named === undefined) continue
      const script = named.startsWith('/')
        ? named
        : normalisePath(`${workingDirectory?.startsWith('/') ? workingDirectory : ''}/${named}`)
      home = homeOf(script)
      ran = `${basename(program)} ${script}`
    }
    if (home === undefined) continue
    addWrite(`/${home}`, `${command.directive} runs ${ran}`, false)
    break
  }
  for (const command of sandboxedArgs) {
    const argv = command.argv
    for (let i = 1; i < argv.length; i++) {
      const word = argv[i]!
      const flag = /^-{1,2}([A-Za-z0-9._-]+)=(.*)$/.exec(word)
      const candidates: Array<[string, string]> = []
      if (flag && flag[2]!.startsWith('/')) candidates.push([flag[2]!, flag[1]!])
      else if (word.startsWith('/')) {
        const previous = argv[i - 1]!
        candidates.push([word, previous.startsWith('-') ? previous.replace(/^-+/, '') : ''])
      } else if (word.includes('=/')) {
        const [key, value] = [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
        candidates.push([value, key])
      }
      for (const [path, flagName] of candidates) {
        const normal = normalisePath(path)
        const byFlag =
          flagName !== '' &&
          WRITE_FLAG.test(flagName) &&
          !/conf|config|cfg|cert|key|ca|include|bin|exec|root$/i.test(flagName)
        const byPlace = WRITE_PREFIXES.some((p) => normal.startsWith(p) || `${normal}/` === p)
        // a directory in a home directory given to it (node-red -u /home/pi/.node-red, hass -c
        // /home/ha/.homeassistant) is where it keeps its data; a configuration file there is read
        const byHome = HOME_ENTRY.test(normal) && !READ_FILE.test(normal)
        if (byFlag || byPlace || byHome)
          addWrite(path, `${command.directive} ${safeText(word, 50)}`)
      }
    }
  }
  for (const [key, value] of env) {
    for (const path of pathsInWord(value)) {
      const normal = normalisePath(path)
      const byKey = WRITE_FLAG.test(key) && !/CONF|CONFIG|CFG|CERT|KEY|BIN|PATH$|INCLUDE/i.test(key)
      const byPlace = WRITE_PREFIXES.some((p) => normal.startsWith(p))
      if (byKey || byPlace) addWrite(path, `Environment=${key}=${path}`)
    }
  }
  for (const line of rec.ReadWritePaths ?? []) {
    for (const word of extractWords(line, { unquote: true }).words) {
      const path = word.replace(/^[-+]+/, '')
      addWrite(path, `ReadWritePaths=${path}`, false)
    }
  }
  for (const line of rec.RequiresMountsFor ?? []) {
    for (const path of extractWords(line, { unquote: true }).words) {
      const normal = normalisePath(path)
      if (/^\/(var|srv|data|opt|mnt|media|home)\//.test(normal))
        addWrite(path, `RequiresMountsFor=${path}`, false)
    }
  }
  // what the unit does not say: where programs of these names keep their data
  const mainPrograms: string[] = []
  for (const c of commands) {
    if (c.directive === 'ExecStart' && !c.unsandboxed) mainPrograms.push(...programsOf(c.argv))
  }
  const conventional = (path: string, why: string): void => {
    const before = writes.length
    addWrite(path, why, false)
    if (writes.length > before) writes[writes.length - 1]!.conventional = true
  }
  for (const program of mainPrograms) {
    for (const path of knownPaths(program)) conventional(path, `where ${program} keeps its files`)
  }
  {
    const name = unit.prefix
    if (/^[a-z][a-z0-9._-]{1,40}$/.test(name) && !GENERIC_NAMES.test(name)) {
      for (const root of ['/var/lib/', '/var/log/', '/var/cache/'])
        conventional(`${root}${name}`, `the usual place for ${name}`)
    }
  }
  const managed = {
    state: directoryNames(rec.StateDirectory),
    cache: directoryNames(rec.CacheDirectory),
    logs: directoryNames(rec.LogsDirectory),
    runtime: directoryNames(rec.RuntimeDirectory)
  }

  // home directories, /etc, shared /tmp
  const homePaths: string[] = []
  for (const word of valueWords) homePaths.push(...pathsInWord(word))
  homePaths.push(workingDirectory ?? '')
  for (const c of commands) homePaths.push(c.argv[0] ?? '')
  const isHomePath = (p: string): boolean =>
    /^\/(home|root)(\/|$)/.test(p) || p.startsWith('/run/user/')
  const homePath = homePaths.find(isHomePath)
  if (homePath !== undefined) note('home-read', `uses ${homePath}`)
  const homeWrite = writes.find(
    (w) => /^\/(home|root)(\/|$)/.test(w.path) || w.path.startsWith('/run/user/')
  )
  if (homeWrite) note('home-write', homeWrite.evidence)
  if (
    allWords.some((w) => w === '~' || w.startsWith('~/')) ||
    valueWords.some((w) => w.includes('%h'))
  ) {
    note('home-read', 'a path in the home directory (~ or %h)')
  }
  // a dynamic user's name and home (/) replace the ones these specifiers stood for
  for (const word of [...valueWords, workingDirectory ?? '']) {
    const specifier = /%[huU]/.exec(word.replace(/%%/g, ''))?.[0]
    if (specifier === undefined) continue
    const what = { '%h': 'home directory', '%u': 'name', '%U': 'UID' }[specifier]
    note('user-specifiers', `${specifier} in ${word} is the user's ${what}`)
    break
  }
  // switches user by an option (ceph's --setuser, --runas ...)
  const switchFlag = allWords.find((w) =>
    /^--?(setuser|setuid|runas|run-as|drop-privileges?)(=|$)/.test(w)
  )
  if (switchFlag !== undefined) note('drops-privileges', `${switchFlag} switches user itself`)
  // a daemon's own --user/-user option (dhcpd -user dhcp, mysqld --user=mysql) does too
  const userFlag = sandboxedArgs
    .filter((c) => c.directive === 'ExecStart')
    .flatMap((c) => c.argv.slice(1))
    .find((w) => /^--?(user|uid|username)(=|$)/.test(w))
  if (userFlag !== undefined) note('drops-privileges', `${userFlag} switches user itself`)
  // an option that makes a daemon chroot() itself (openvpn --chroot, dhcpd -chroot; rsync --daemon:
  // "use chroot" is its modules' default)
  const chrootFlag = sandboxedArgs
    .filter((c) => c.directive === 'ExecStart')
    .flatMap((c) => {
      const rsync = basename(c.argv[0] ?? '') === 'rsync'
      return c.argv.slice(1).filter((w) => /^--?chroot(=|$)/.test(w) || (rsync && w === '--daemon'))
    })[0]
  if (chrootFlag !== undefined) {
    note('chroot', `${chrootFlag} chroots it`)
    note('drops-privileges', `${chrootFlag} chroots it (as root)`)
  }
  const etcWrite = writes.find((w) => w.path === '/etc' || w.path.startsWith('/etc/'))
  if (etcWrite) note('etc-write', etcWrite.evidence)
  const tmpSocket = writes.find(
    (w) => /^\/(var\/)?tmp\//.test(w.path) && /\.(sock|socket)$/.test(w.path)
  )
  if (tmpSocket) note('shared-tmp', `${tmpSocket.evidence}: others reach it through /tmp`)

  const declaresWrites =
    s.dynamicUser ||
    [
      'ReadWritePaths',
      'StateDirectory',
      'CacheDirectory',
      'LogsDirectory',
      'RuntimeDirectory'
    ].some((key) => (rec[key] ?? []).length > 0)
  return {
    declaresWrites,
    unit: unit.name,
    name: unit.prefix,
    runsAsRoot,
    user: runsAsRoot ? undefined : s.user,
    commands,
    programs,
    traits,
    ports,
    writes,
    devices: [...devices],
    neededCapabilities,
    neededFamilies,
    environmentFiles,
    managed,
    explicitBoundingSet
  }
}

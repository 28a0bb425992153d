/**
 * Units for the fix engine's tests: each one triggers a rule of "knowing what would break" (issue #5,
 * section 2), and a few are modelled on widely deployed third-party units (nginx, redis, sshd, docker
 * ...). `files` holds the unit file and anything beside it (drop-ins, a companion .socket).
 */

export interface FixtureUnit {
  /** unit name as analysed (a template is analysed as the instance foo@i.service) */
  name: string
  files: Record<string, string>
}

const unit = (name: string, text: string, extra: Record<string, string> = {}): FixtureUnit => ({
  name,
  files: { [name.replace(/@[^.]+\./, '@.')]: text, ...extra }
})

/** One unit per inference rule. */
export const RULE_UNITS = {
  jitNode: unit(
    'jit-node.service',
    '[Service]\nUser=app\nExecStart=/usr/bin/node /srv/app/server.js\n'
  ),
  jitJava: unit(
    'jit-java.service',
    '[Service]\nUser=app\nExecStart=/usr/bin/java -Xmx512m -jar /opt/app/app.jar --server.port=8080\n'
  ),
  jitPythonEnv: unit(
    'jit-python.service',
    '[Service]\nUser=app\nExecStart=/usr/bin/env python3 -m http.server 8000\n'
  ),
  jitErlang: unit(
    'jit-erlang.service',
    '[Service]\nUser=app\nExecStart=/usr/lib/erlang/erts-13.0/bin/beam.smp -- -root /usr/lib/erlang\n'
  ),
  portInExecStart: unit(
    'port-exec.service',
    '[Service]\nExecStart=/usr/local/bin/webd --listen 0.0.0.0:443\n'
  ),
  portInEnvironment: unit(
    'port-env.service',
    '[Service]\nUser=web\nEnvironment=PORT=80 NODE_ENV=production\nExecStart=/usr/local/bin/webd\n'
  ),
  portFromSocket: unit(
    'port-socket.service',
    '[Service]\nUser=web\nExecStart=/usr/local/bin/webd --systemd\n',
    { 'port-socket.socket': '[Socket]\nListenStream=443\n\n[Install]\nWantedBy=sockets.target\n' }
  ),
  // root may be started without its socket and bind the port itself
  portFromRootSocket: unit(
    'port-root-socket.service',
    '[Service]\nExecStart=/usr/local/bin/webd --systemd\n',
    {
      'port-root-socket.socket':
        '[Socket]\nListenStream=443\n\n[Install]\nWantedBy=sockets.target\n'
    }
  ),
  networkDaemon: unit(
    'net-daemon.service',
    '[Unit]\nAfter=network-online.target\nWants=network-online.target\n\n[Service]\nUser=fetch\nExecStart=/usr/local/bin/fetcher --upstream https://example.org/feed\n'
  ),
  interfaces: unit(
    'vpn.service',
    '[Service]\nExecStart=/usr/sbin/openvpn --config /etc/openvpn/client.conf\n'
  ),
  writesPidFile: unit(
    'pid-writer.service',
    '[Service]\nType=forking\nPIDFile=/run/pid-writer/pid-writer.pid\nExecStart=/usr/sbin/pid-writer --daemon\n'
  ),
  writesDataDir: unit(
    'data-writer.service',
    '[Service]\nExecStart=/usr/sbin/data-writer -D /srv/data-writer/db --log-file=/var/log/data-writer/main.log\n'
  ),
  writesFromEnvironment: unit(
    'env-writer.service',
    '[Service]\nEnvironment=STATE_DIRECTORY_PATH=/var/lib/env-writer/state\nExecStart=/usr/sbin/env-writer\n'
  ),
  workingDirectory: unit(
    'workdir.service',
    '[Service]\nWorkingDirectory=/opt/workdir/data\nExecStart=/opt/workdir/bin/run --serve\n'
  ),
  stableUid: unit(
    'stable-uid.service',
    '[Service]\nUser=postgres\nExecStart=/usr/local/bin/archiver --input /var/lib/postgresql/wal\n'
  ),
  homeCertificate: unit(
    'home-cert.service',
    '[Service]\nUser=bob\nExecStart=/usr/local/bin/tlsd --cert /home/bob/certs/site.pem --key /home/bob/certs/site.key\n'
  ),
  homeWrites: unit(
    'home-backup.service',
    '[Service]\nUser=alice\nExecStart=/usr/local/bin/backup-agent --output /home/alice/backups\n'
  ),
  // a data directory in a home directory given as an option (parity batch 22: Node-RED's -u)
  homeDataDirectory: unit(
    'home-data.service',
    '[Service]\nUser=olaf\nExecStart=/usr/bin/node-red -u /home/olaf/.node-red --settings /home/olaf/settings.js\n'
  ),
  etcWrites: unit(
    'etc-writer.service',
    '[Service]\nExecStart=/usr/local/bin/confd --output /etc/haproxy/haproxy.cfg --interval 60\n'
  ),
  devices: unit(
    'modbus.service',
    '[Service]\nUser=gateway\nExecStart=/usr/local/bin/modbus-gateway --device /dev/ttyUSB0 --listen 0.0.0.0:502\n'
  ),
  unknownOptions: unit(
    'opaque.service',
    '[Service]\nEnvironmentFile=/etc/default/opaque\nExecStart=/usr/sbin/opaque $OPAQUE_OPTS\n'
  ),
  timeDaemon: unit('timekeeper.service', '[Service]\nExecStart=/usr/sbin/chronyd -d\n'),
  container: unit(
    'containers.service',
    '[Service]\nExecStart=/usr/bin/dockerd -H fd://\nDelegate=yes\n'
  ),
  // the rules below come from units in public repositories whose drop-ins would have broken them
  shellWritesSys: unit(
    'backlight.service',
    "[Service]\nType=oneshot\nUser=panel\nExecStart=/bin/sh -c '/bin/echo 1 > /sys/class/backlight/panel/bl_power'\n"
  ),
  shellRunsVpn: unit(
    'shell-vpn.service',
    '[Service]\nExecStart=/bin/bash -euo pipefail -c "exec openvpn --config /etc/openvpn/client.conf"\n'
  ),
  tunnel: unit(
    'mesh.service',
    '[Service]\nExecStart=/usr/bin/nebula -config /etc/nebula/config.yml\n'
  ),
  signals: unit('oom-killer.service', '[Service]\nExecStart=/usr/bin/earlyoom -r 3600\n'),
  oneShotTask: unit(
    'first-boot.service',
    '[Unit]\nConditionFirstBoot=yes\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/lib/vendor/first-boot-setup\n'
  ),
  earlyBootTask: unit(
    'early-task.service',
    '[Unit]\nDefaultDependencies=no\nBefore=sysinit.target\n\n[Service]\nExecStart=/usr/libexec/vendor-early-task\n'
  ),
  // as systemd-sysv-generator writes it for /etc/init.d/vendor-agent (runtime round 5: slapd, monit)
  initScript: unit(
    'vendor-agent.service',
    '[Unit]\nSourcePath=/etc/init.d/vendor-agent\n\n[Service]\nType=forking\nRestart=no\nTimeoutSec=5min\nKillMode=process\nGuessMainPID=no\nRemainAfterExit=yes\nSuccessExitStatus=5 6\nExecStart=/etc/init.d/vendor-agent start\nExecStop=/etc/init.d/vendor-agent stop\n'
  ),
  userSpecifiers: unit(
    'notifier.service',
    '[Service]\nExecStart=/usr/bin/notifier --config "%h/.config/notifier/client.yml"\n'
  ),
  switchesByOption: unit(
    'switcher.service',
    '[Service]\nExecStart=/usr/sbin/switcherd -f --setuser switcher --setgroup switcher\n'
  ),
  printer: unit(
    'printer.service',
    '[Service]\nUser=pi\nExecStart=/home/pi/OctoPrint/venv/bin/octoprint serve\n'
  ),
  homeApplication: unit(
    'home-app.service',
    '[Service]\nExecStart=/home/app/venv/bin/python -m app.server\n'
  ),
  interpretedHomeApplication: unit(
    'bot.service',
    '[Service]\nExecStart=/usr/bin/python3 -u /home/pi/bot/main.py --token-file token\n'
  ),
  cloudAgent: unit(
    'cloud-agent.service',
    '[Unit]\nWants=network-online.target\n[Service]\nType=simple\nExecStart=/usr/bin/python3 -u /usr/sbin/waagent -daemon\n'
  ),
  logAgent: unit(
    'log-agent.service',
    '[Service]\nExecStart=/opt/aws/amazon-cloudwatch-agent/bin/start-amazon-cloudwatch-agent\n'
  ),
  namedCamera: unit(
    'camera.service',
    '[Service]\nExecStart=/usr/share/ingest/ingest.py --port 30000\n'
  ),
  describedHardware: unit(
    'panel.service',
    '[Unit]\nDescription=Reads the GPIO buttons of the front panel\n[Service]\nExecStart=/usr/local/bin/panel\n'
  ),
  hardwareProgram: unit('startup.service', '[Service]\nExecStart=/usr/sbin/doorcam_server\n'),
  console: unit(
    'maintenance-shell.service',
    '[Unit]\nDefaultDependencies=no\n\n[Service]\nType=idle\nUser=root\nExecStart=/usr/local/bin/maintenance-menu\nStandardInput=tty-force\n'
  )
} satisfies Record<string, FixtureUnit>

/** Units in the style of widely deployed packages (simplified, but with their real shape). */
export const THIRD_PARTY_UNITS: FixtureUnit[] = [
  unit(
    'nginx.service',
    `[Unit]
Description=A high performance web server and a reverse proxy server
After=network.target nss-lookup.target

[Service]
Type=forking
PIDFile=/run/nginx.pid
ExecStartPre=/usr/sbin/nginx -t -q -g 'daemon on; master_process on;'
ExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'
ExecReload=/usr/sbin/nginx -g 'daemon on; master_process on;' -s reload
ExecStop=-/sbin/start-stop-daemon --quiet --stop --retry QUIT/5 --pidfile /run/nginx.pid
TimeoutStopSec=5
KillMode=mixed

[Install]
WantedBy=multi-user.target
`
  ),
  unit(
    'ssh.service',
    `[Unit]
Description=OpenBSD Secure Shell server
After=network.target auditd.service

[Service]
EnvironmentFile=-/etc/default/ssh
ExecStartPre=/usr/sbin/sshd -t
ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
ExecReload=/usr/sbin/sshd -t
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
Type=notify
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755
`
  ),
  unit(
    'redis-server.service',
    `[Unit]
Description=Advanced key-value store
After=network.target

[Service]
Type=notify
ExecStart=/usr/bin/redis-server /etc/redis/redis.conf --supervised systemd --daemonize no
PIDFile=/run/redis/redis-server.pid
TimeoutStopSec=0
Restart=always
User=redis
Group=redis
RuntimeDirectory=redis
RuntimeDirectoryMode=2755
UMask=007
PrivateTmp=yes
LimitNOFILE=65535
PrivateDevices=yes
ProtectHome=yes
ReadWritePaths=-/var/lib/redis
ReadWritePaths=-/var/log/redis
ReadWritePaths=-/var/run/redis
NoNewPrivileges=true
CapabilityBoundingSet=CAP_SETGID CAP_SETUID CAP_SYS_RESOURCE
MemoryDenyWriteExecute=true
ProtectKernelModules=true
ProtectKernelTunables=true
ProtectControlGroups=true
RestrictRealtime=true
RestrictNamespaces=true
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
ProtectSystem=true
`
  ),
  unit(
    'docker.service',
    `[Unit]
Description=Docker Application Container Engine
After=network-online.target docker.socket firewalld.service containerd.service
Wants=network-online.target containerd.service
Requires=docker.socket

[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID
TimeoutStartSec=0
RestartSec=2
Restart=always
LimitNOFILE=infinity
Delegate=yes
KillMode=process
OOMScoreAdjust=-500
`
  ),
  unit(
    'cron.service',
    `[Unit]
Description=Regular background program processing daemon

[Service]
EnvironmentFile=-/etc/default/cron
ExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS
IgnoreSIGPIPE=false
KillMode=process
Restart=on-failure
`
  ),
  unit(
    'chrony.service',
    `[Unit]
Description=chrony, an NTP client/server
After=network.target

[Service]
Type=forking
PIDFile=/run/chrony/chronyd.pid
EnvironmentFile=-/etc/default/chrony
ExecStart=!/usr/sbin/chronyd $DAEMON_OPTS
ExecStartPost=-/usr/lib/chrony/chrony-helper update-daemon
PrivateTmp=yes
ProtectHome=yes
ProtectSystem=full
`
  ),
  unit(
    'prometheus-node-exporter.service',
    `[Unit]
Description=Prometheus exporter for machine metrics

[Service]
Restart=on-failure
User=prometheus
EnvironmentFile=/etc/default/prometheus-node-exporter
ExecStart=/usr/bin/prometheus-node-exporter $ARGS
`
  ),
  unit(
    'gitea.service',
    `[Unit]
Description=Gitea (Git with a cup of tea)
After=network.target postgresql.service

[Service]
Type=simple
User=git
Group=git
WorkingDirectory=/var/lib/gitea/
ExecStart=/usr/local/bin/gitea web --config /etc/gitea/app.ini
Restart=always
Environment=USER=git HOME=/home/git GITEA_WORK_DIR=/var/lib/gitea
`
  ),
  unit(
    'myapp.service',
    `[Unit]
Description=Django application served by gunicorn
After=network.target

[Service]
User=www-data
Group=www-data
WorkingDirectory=/srv/myapp
ExecStart=/srv/myapp/venv/bin/gunicorn --workers 3 --bind unix:/run/myapp/gunicorn.sock myapp.wsgi:application
RuntimeDirectory=myapp
`
  ),
  unit(
    'wg-quick@wg0.service',
    `[Unit]
Description=WireGuard via wg-quick(8) for %I
After=network-online.target nss-lookup.target
Wants=network-online.target nss-lookup.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/wg-quick up %i
ExecStop=/usr/bin/wg-quick down %i
Environment=WG_ENDPOINT_RESOLUTION_RETRIES=infinity
`
  ),
  unit(
    'cloudflared.service',
    `[Unit]
Description=cloudflared
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
ExecStart=/usr/bin/cloudflared --no-autoupdate --config /etc/cloudflared/config.yml tunnel run
Restart=on-failure
RestartSec=5s
`
  ),
  unit(
    'webapp-root.service',
    `[Unit]
Description=Node.js web site running as root on port 80
After=network.target

[Service]
ExecStart=/usr/bin/node /opt/web/server.js
Environment=PORT=80 NODE_ENV=production
WorkingDirectory=/opt/web
Restart=always
`
  ),
  unit(
    'postgresql@15-main.service',
    `[Unit]
Description=PostgreSQL Cluster %i
AssertPathExists=/etc/postgresql/%I/postgresql.conf
RequiresMountsFor=/etc/postgresql/%I /var/lib/postgresql/%I
PartOf=postgresql.service
Before=postgresql.service
After=network.target

[Service]
Type=forking
ExecStart=-/usr/bin/pg_ctlcluster --skip-systemctl-redirect %i start
TimeoutStartSec=0
ExecStop=/usr/bin/pg_ctlcluster --skip-systemctl-redirect -m fast %i stop
TimeoutStopSec=1h
ExecReload=/usr/bin/pg_ctlcluster --skip-systemctl-redirect %i reload
PIDFile=/run/postgresql/%i.pid
SyslogIdentifier=postgresql@%i
OOMScoreAdjust=-900
`
  ),
  unit(
    'mosquitto.service',
    `[Unit]
Description=Mosquitto MQTT Broker
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
ExecStart=/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
ExecStartPre=/bin/mkdir -m 740 -p /var/log/mosquitto
ExecStartPre=/bin/chown mosquitto /var/log/mosquitto
ExecStartPre=/bin/mkdir -m 740 -p /run/mosquitto
ExecStartPre=/bin/chown mosquitto /run/mosquitto
`
  )
]

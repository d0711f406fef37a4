#!/usr/bin/env bash
# Installs jackpotd: binary, systemd unit, sysusers/tmpfiles snippets, an
# example config and the ops examples. Safe to run again for an upgrade: it
# never overwrites /etc/jackpotd/config.json or anything in secrets/.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: Deploy/install.sh [--binary PATH] [--help]

Installs jackpotd for systemd.

  --binary PATH   the jackpotd executable to install
                  (default: .build-static/release/jackpotd of this package;
                  build it with `make release`, i.e.
                  swift build -c release --static-swift-stdlib --scratch-path .build-static)
  --help          show this help

Environment:
  PREFIX   installation prefix of the binary and shared files (default /usr/local)
  DESTDIR  staging root for packaging; when set, nothing on the running
           system is touched (no users, no ownership, no systemctl)

What goes where (under $DESTDIR):
  $PREFIX/bin/jackpotd                          0755
  /etc/systemd/system/jackpotd.service          0644  (/usr/lib/systemd/system with PREFIX=/usr)
  /etc/systemd/system/jackpotd-backup.service   0644  nightly backup with rotation, and its
  /etc/systemd/system/jackpotd-backup.timer     0644  timer (enable it: systemctl enable --now jackpotd-backup.timer)
  $PREFIX/lib/sysusers.d/jackpotd.conf          0644  (/etc/sysusers.d for other prefixes)
  $PREFIX/lib/tmpfiles.d/jackpotd.conf          0644  (/etc/tmpfiles.d for other prefixes)
  /etc/jackpotd/                                0750 root:jackpotd
  /etc/jackpotd/config.json                     0640 root:jackpotd, only if absent
  /etc/jackpotd/secrets/                        0750 root:jackpotd
  $PREFIX/share/jackpotd/                       config example, alert rules, Grafana dashboard, litestream.yml
  $PREFIX/share/man/man1/jackpotd.1             0644  the manual: man jackpotd
  $PREFIX/share/bash-completion/completions/jackpotd  0644  bash completion of commands and options

Run as root without DESTDIR, it also creates the jackpotd user
(systemd-sysusers), the state and config directories (systemd-tmpfiles)
and reloads systemd. It does not enable or start the service.
EOF
}

note() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 2; }

deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package_root="$(dirname "$deploy_dir")"
binary="$package_root/.build-static/release/jackpotd"

while (($#)); do
    case "$1" in
        --binary)
            (($# >= 2)) || die "--binary needs a path"
            binary="$2"; shift 2 ;;
        --binary=*) binary="${1#--binary=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
[[ "$PREFIX" == /* ]] || die "PREFIX must be an absolute path, got '$PREFIX'"
[[ -f "$binary" && -x "$binary" ]] \
    || die "no executable at '$binary' (build it with 'make release' or pass --binary PATH)"
# A server has no Swift toolchain: a binary that loads the Swift runtime from
# it would fail there with "libswiftCore.so: cannot open shared object file".
libraries="$(ldd "$binary" 2>/dev/null || true)"
if [[ "$libraries" == *libswift* ]]; then
    die "$binary loads the Swift runtime from the toolchain; build it with 'make release' (--static-swift-stdlib)"
fi

# systemd only searches /usr/lib and /usr/local/lib for vendor snippets; any
# other prefix puts them under /etc, where systemd always looks.
case "$PREFIX" in
    /usr) unit_dir=/usr/lib/systemd/system; snippet_lib=/usr/lib ;;
    /usr/local) unit_dir=/etc/systemd/system; snippet_lib=/usr/local/lib ;;
    *) unit_dir=/etc/systemd/system; snippet_lib=/etc ;;
esac
if [[ "$snippet_lib" == /etc ]]; then
    sysusers_dir=/etc/sysusers.d; tmpfiles_dir=/etc/tmpfiles.d
else
    sysusers_dir="$snippet_lib/sysusers.d"; tmpfiles_dir="$snippet_lib/tmpfiles.d"
fi
config_dir=/etc/jackpotd

# Touch the live system (users, ownership, systemctl) only as root and only
# when installing into it, not into a staging DESTDIR.
live=false
if [[ -z "$DESTDIR" && "$(id -u)" -eq 0 ]]; then
    live=true
elif [[ -n "$DESTDIR" ]]; then
    note "DESTDIR is set: skipping user creation, chown and systemctl"
else
    note "not root: skipping user creation, chown and systemctl"
fi

d() { printf '%s%s' "$DESTDIR" "$1"; }

install -d -m 0755 "$(d "$PREFIX/bin")" "$(d "$unit_dir")" "$(d "$sysusers_dir")" \
    "$(d "$tmpfiles_dir")" "$(d "$PREFIX/share/jackpotd")" "$(d "$PREFIX/share/man/man1")" \
    "$(d "$PREFIX/share/bash-completion/completions")"
install -m 0755 "$binary" "$(d "$PREFIX/bin/jackpotd")"
note "installed $(d "$PREFIX/bin/jackpotd")"

# The unit names the binary by absolute path; point it at this PREFIX.
unit_tmp="$(mktemp)"
trap 'rm -f "$unit_tmp"' EXIT
for unit in jackpotd.service jackpotd-backup.service; do
    sed "s#/usr/local/bin/jackpotd#$PREFIX/bin/jackpotd#g" "$deploy_dir/$unit" >"$unit_tmp"
    install -m 0644 "$unit_tmp" "$(d "$unit_dir/$unit")"
done
install -m 0644 "$deploy_dir/jackpotd-backup.timer" "$(d "$unit_dir/jackpotd-backup.timer")"
install -m 0644 "$deploy_dir/sysusers.d/jackpotd.conf" "$(d "$sysusers_dir/jackpotd.conf")"
install -m 0644 "$deploy_dir/tmpfiles.d/jackpotd.conf" "$(d "$tmpfiles_dir/jackpotd.conf")"
install -m 0644 "$deploy_dir/config.example.json" "$deploy_dir/litestream.yml" \
    "$deploy_dir/prometheus/jackpotd-alerts.yml" "$deploy_dir/grafana/jackpotd-dashboard.json" \
    "$(d "$PREFIX/share/jackpotd/")"
install -m 0644 "$deploy_dir/jackpotd.1" "$(d "$PREFIX/share/man/man1/jackpotd.1")"
install -m 0644 "$deploy_dir/bash-completion/jackpotd" "$(d "$PREFIX/share/bash-completion/completions/jackpotd")"
note "installed unit, sysusers/tmpfiles snippets, examples, manual and bash completion"

# The group must exist before anything is handed to it.
if $live; then
    systemd-sysusers "$sysusers_dir/jackpotd.conf"
fi

# Config directory: root writes, the daemon's group reads.
install -d -m 0750 "$(d "$config_dir")" "$(d "$config_dir/secrets")"
config="$(d "$config_dir/config.json")"
config_created=false
if [[ -e "$config" ]]; then
    note "kept existing $config"
else
    install -m 0640 "$deploy_dir/config.example.json" "$config"
    config_created=true
    note "installed example config to $config — edit it before starting"
fi

if $live; then
    chown root:jackpotd "$config_dir" "$config_dir/secrets"
    # Only a config we just created; an existing one keeps the owner ops chose.
    if $config_created; then chown root:jackpotd "$config"; fi
    systemd-tmpfiles --create "$tmpfiles_dir/jackpotd.conf"
    if [[ -d /run/systemd/system ]]; then
        systemctl daemon-reload
    else
        note "systemd is not running: skipping systemctl daemon-reload"
    fi
    cat <<EOF

Next steps:
  1. Put each operator's secret in $config_dir/secrets/<operator>
     (typed, not echoed, and kept out of the shell history):
       read -rs secret && printf '%s' "\$secret" |
         install -m 0640 -o root -g jackpotd /dev/stdin $config_dir/secrets/casino-a
  2. Edit $config_dir/config.json, then check it:
       sudo -u jackpotd $PREFIX/bin/jackpotd check --config $config_dir/config.json
  3. Start the daemon now and at boot, and the nightly backup:
       systemctl enable --now jackpotd jackpotd-backup.timer
       journalctl -u jackpotd -f
     A config error (exit 2) stops the unit instead of restarting it;
     journalctl -u jackpotd -n 20 shows the line naming the bad key.
  4. Metrics: add node_exporter's user to group jackpotd-metrics and run it
     with --collector.textfile.directory=/var/lib/jackpotd/metrics
     Alert rules: $PREFIX/share/jackpotd/jackpotd-alerts.yml
EOF
fi

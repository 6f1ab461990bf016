# Sourced by scripts/demo: the channels' host-to-host side, played on this machine. A throwaway
# OpenSSH server on a free loopback port (127.0.0.1 only, run as the current user, internal-sftp
# only) with an inbox and outbox per channel, throwaway SSH and OpenPGP keys, and a settings
# file that is the example plus [release] keys and one [channels.X.sftp] section per channel.
#
#   h2h_start DIR CHANNEL...   sets H2H_CONFIG, H2H_ROOT, H2H_BANK_HOME, H2H_PROGRAMME
#   h2h_stop                   stops sshd and the gpg agents, removes nothing else

h2h_start() {
    local dir=$1
    shift
    rm -rf "$dir"
    mkdir -p -m 700 "$dir" "$dir/programme" "$dir/bank"
    H2H_ROOT=$dir/sftp
    H2H_BANK_HOME=$dir/bank
    local channel
    for channel in "$@"; do mkdir -p "$H2H_ROOT/$channel/inbox" "$H2H_ROOT/$channel/outbox"; done
    ssh-keygen -q -t ed25519 -N '' -C demo-host -f "$dir/host_key"
    ssh-keygen -q -t ed25519 -N '' -C demo-disburse -f "$dir/ssh_key"
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$dir/sshd_config" <<CONFIG
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
PidFile none
AuthorizedKeysFile $dir/ssh_key.pub
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding no
X11Forwarding no
Subsystem sftp internal-sftp
ForceCommand internal-sftp -d $H2H_ROOT
CONFIG
    # sshd started by root wants its privilege separation folder, as Debian's service makes it.
    [ "$(id -u)" = 0 ] && mkdir -p /run/sshd
    # sshd says on standard error when it listens: read until then, then drain its log to a file.
    exec {H2H_LOG}< <(exec /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>&1)
    H2H_SSHD=$!
    H2H_DIR=$dir
    # The programme's key and one key for the banks (a real channel has its own each).
    local gpg=(gpg --batch --quiet --passphrase '')
    "${gpg[@]}" --homedir "$dir/programme" --quick-gen-key 'Programme Kartu Prakerja <h2h@prakerja.demo>' ed25519 sign never
    H2H_PROGRAMME=$(gpg --homedir "$dir/programme" --with-colons --list-keys | awk -F: '/^fpr/ { print $10; exit }')
    "${gpg[@]}" --homedir "$dir/programme" --quick-add-key "$H2H_PROGRAMME" cv25519 encr never
    "${gpg[@]}" --homedir "$dir/bank" --quick-gen-key 'Demo bank H2H <h2h@bank.demo>' ed25519 sign never
    local bank
    bank=$(gpg --homedir "$dir/bank" --with-colons --list-keys | awk -F: '/^fpr/ { print $10; exit }')
    "${gpg[@]}" --homedir "$dir/bank" --quick-add-key "$bank" cv25519 encr never
    gpg --homedir "$dir/programme" --batch --armor --output "$dir/programme-signing.asc" --export-secret-keys "$H2H_PROGRAMME"
    chmod 600 "$dir/programme-signing.asc"
    gpg --homedir "$dir/programme" --batch --armor --output "$dir/programme.asc" --export "$H2H_PROGRAMME"
    gpg --homedir "$dir/bank" --batch --armor --output "$dir/bank.asc" --export "$bank"
    gpg --homedir "$dir/bank" --batch --quiet --import "$dir/programme.asc"
    gpgconf --homedir "$dir/programme" --kill all
    local line listening=
    while IFS= read -r -u "$H2H_LOG" line; do
        [[ $line == *"Server listening"* ]] && { listening=yes; break; }
        echo "$line" >>"$dir/sshd.log"
    done
    [ -n "$listening" ] || { cat "$dir/sshd.log" >&2; echo "sshd did not start (log above)." >&2; return 1; }
    cat <&"$H2H_LOG" >>"$dir/sshd.log" &
    local fingerprint
    fingerprint=$(ssh-keygen -l -E sha256 -f "$dir/host_key.pub" | awk '{ print $2 }')
    H2H_CONFIG=$dir/disburse.toml
    sed -e "s|^key_file = \"demo-va.key\"|key_file = \"$PWD/config/demo-va.key\"|" \
        -e "s|^approval = \"required\"|approval = \"required\"\nsigning_key = \"programme-signing.asc\"|" \
        -e "s|^output_dir = \"../out\"|output_dir = \"$PWD/out\"|" \
        config/disburse.example.toml >"$H2H_CONFIG"
    for channel in "$@"; do
        local format=csv
        case $channel in VA | BNI | BCA) format=pain001 ;; esac
        cat >>"$H2H_CONFIG" <<SECTION

[channels.$channel.sftp]
host = "127.0.0.1"
port = $port
user = "$(id -un)"
key_file = "ssh_key"
host_key = "$fingerprint"
inbox = "$channel/inbox"
outbox = "$channel/outbox"
public_key = "bank.asc"
format = "$format"
SECTION
    done
}

h2h_stop() {
    [ -n "${H2H_SSHD:-}" ] && kill "$H2H_SSHD" 2>/dev/null && wait "$H2H_SSHD" 2>/dev/null
    H2H_SSHD=
    if [ -n "${H2H_DIR:-}" ]; then
        gpgconf --homedir "$H2H_DIR/bank" --kill all 2>/dev/null
        gpgconf --homedir "$H2H_DIR/programme" --kill all 2>/dev/null
    fi
    return 0
}

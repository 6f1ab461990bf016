# Sourced by scripts/test and scripts/demo (and so by .ci/run): the one list of what a fresh
# Debian machine with Swift needs, installed when we can (root with apt-get), otherwise one
# sentence naming the packages, before anything is built.
#
#   prerequisites_ensure test|demo

# Each line: Debian package, then the check that says it is there.
prerequisites_list() {
    local purpose=$1
    echo "postgresql     pg_bin_present"
    echo "libpq-dev      test -f /usr/include/postgresql/libpq-fe.h"
    echo "libxml2-dev    test -f /usr/include/libxml2/libxml/xmlreader.h"
    echo "pkg-config     command -v pkg-config"
    # psql fills the synthetic registry; python3 runs scripts/simulate-channel.
    echo "postgresql-client command -v psql"
    echo "python3        command -v python3"
    # disburse deliver/collect run gpg, sftp and ssh-keyscan; the tests and the demo play the
    # channels' SFTP servers with a throwaway sshd on a loopback port.
    echo "gnupg          command -v gpg"
    echo "openssh-client command -v sftp"
    echo "openssh-server test -x /usr/sbin/sshd"
    if [ "$purpose" = test ]; then
        # xmllint validates pain.001 against the XSD; pip fetches the XSD (PyPI: sepaxml);
        # script(1) gives the progress test a terminal.
        echo "libxml2-utils  command -v xmllint"
        echo "python3-pip    python3 -m pip --version"
        echo "bsdutils       command -v script"
    fi
}

pg_bin_present() {
    command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

prerequisites_missing() {
    local package check
    while read -r package check; do
        eval "$check" >/dev/null 2>&1 || echo "$package"
    done < <(prerequisites_list "$1")
}

prerequisites_ensure() {
    local purpose=${1:-test}
    if ! command -v swift >/dev/null 2>&1; then
        echo "Swift 6.3 is not on PATH: install the Swift toolchain (swift.org) and run this again." >&2
        return 1
    fi
    local missing
    missing=$(prerequisites_missing "$purpose" | tr '\n' ' ' | sed 's/ *$//')
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> installing the Debian packages this machine lacks: $missing"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null \
            || { echo "apt-get could not install $missing: install them by hand and run this again." >&2; return 1; }
        missing=$(prerequisites_missing "$purpose" | tr '\n' ' ' | sed 's/ *$//')
        [ -z "$missing" ] && return 0
        echo "Still missing after apt-get: $missing. Install them by hand and run this again." >&2
        return 1
    fi
    echo "This machine lacks the Debian packages $missing: install them as root (apt-get install $missing) and run this again." >&2
    return 1
}

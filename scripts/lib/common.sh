# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables set here are used by the sourcing scripts
# Shared functions for the scripts that run the private Lendastack stack: settings and
# paths, messages, waiting with a timeout, process checks and the extra steps needed
# when the stack runs as root. Source it from bash. It only defines functions and
# variables.

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
PG_BIN=/usr/lib/postgresql/15/bin
NGINX_BIN=/usr/sbin/nginx
APP_USER=lendastack

# Settings that a stack keeps in stack.env once it has started, so that later commands
# reuse the same ports and paths.
SETTING_NAMES=(
    LENDASTACK_HTTP_ADDR
    LENDASTACK_HTTP_PORT
    LENDASTACK_PG_PORT
    LENDASTACK_REDIS_PORT
    LENDASTACK_BASE_DOMAIN
    LENDASTACK_WORKERS
    LENDASTACK_GROUPS
    LENDASTACK_SERVER_BIN
    LENDASTACK_WEB_ROOT
    LENDASTACK_ENV
    LENDASTACK_TEST_CLOCK
)

info() {
    echo "stack: $*"
}

warn() {
    echo "stack: warning: $*" >&2
}

die() {
    echo "stack: error: $*" >&2
    exit 1
}

is_root() {
    ((EUID == 0))
}

# Run a command as USER when the stack runs as root, else as the current user. The
# command starts in / so that no service inherits a working folder it cannot enter.
run_as() {
    local user=$1
    shift
    if is_root; then
        (cd / && runuser -u "$user" -- "$@")
    else
        (cd / && "$@")
    fi
}

# Wait until a command succeeds, checking every 0.1 s. Returns 1 after SECONDS seconds.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.1
    done
}

# Succeed when PID is a live process (a zombie counts as exited).
process_alive() {
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ $state != Z* ]]
}

process_exited() {
    ! process_alive "$1"
}

# Print the command line of PID with spaces between the arguments.
process_cmdline() {
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null
}

# Print the first line of a pid file when it contains a number.
read_pid_file() {
    local pid
    [[ -r $1 ]] || return 1
    read -r pid <"$1" || true
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    echo "$pid"
}

# Send SIGNAL to PID and wait up to TIMEOUT seconds for it to exit, then send SIGKILL to
# its process group if it leads one, else to PID alone.
terminate_process() {
    local pid=$1 name=$2 signal=$3 timeout=$4 group
    kill -s "$signal" "$pid" 2>/dev/null || return 0
    wait_until "$timeout" process_exited "$pid" && return 0

    warn "$name (pid $pid) did not exit within ${timeout}s after SIG$signal; sending SIGKILL"
    group=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
    if [[ $group == "$pid" ]]; then
        kill -s KILL -- "-$pid" 2>/dev/null || true
    else
        kill -s KILL "$pid" 2>/dev/null || true
    fi
    wait_until 5 process_exited "$pid" || die "$name (pid $pid) is still running after SIGKILL"
}

# Succeed when some socket uses TCP port PORT as its local port: a listener, or an
# outgoing connection the kernel gave that port.
port_in_use() {
    [[ -n $(ss -Hatn "sport = :$1") ]]
}

# Print a TCP port that nothing uses and that is not in the arguments (ports already
# picked). Ports come from below the kernel's range for outgoing connections
# (net.ipv4.ip_local_port_range, 32768-60999 by default), so a client connection
# cannot take the port between the pick and the bind.
# NOTE: another program can still take the port before the service binds it.
pick_free_port() {
    local port attempt excluded_port low=20000 high
    local -A skip=()
    for excluded_port in "$@"; do
        skip[$excluded_port]=1
    done
    read -r high _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || high=32768
    high=$((high - 1))
    ((high > low + 1000)) || { low=10000; high=19999; }
    for attempt in $(seq 1 200); do
        port=$(shuf -i "$low-$high" -n 1)
        [[ -n ${skip[$port]:-} ]] && continue
        port_in_use "$port" && continue
        echo "$port"
        return 0
    done
    die "found no free TCP port in $low-$high after $attempt attempts"
}

# Quote a value for a shell assignment that eval reads back unchanged.
shell_quote() {
    local value=${1//\'/\'\\\'\'}
    printf "'%s'" "$value"
}

# Load the stack settings into LENDASTACK_* and the short names used by the scripts.
# A stack that has started once reads them from $VAR/stack.env, and environment values
# that differ from it are ignored. A new stack takes them from the environment, with
# defaults. With the argument "warn", ignored environment values are reported.
load_settings() {
    local report_ignored=${1:-}
    VAR=$(realpath -m -- "${LENDASTACK_VAR:-$REPO/var}")
    STACK_ENV=$VAR/stack.env
    STACK_ENV_EXISTS=

    # Settings that eval "$(scripts/stack env)" loaded for another stack do not apply
    # to this one.
    if [[ -n ${LENDASTACK_STACK_ENV:-} && $LENDASTACK_STACK_ENV != "$STACK_ENV" ]]; then
        [[ $report_ignored == warn ]] &&
            warn "ignoring the LENDASTACK_* settings that the environment loaded from $LENDASTACK_STACK_ENV (another stack)"
        unset "${SETTING_NAMES[@]}"
    fi

    if [[ -f $STACK_ENV ]]; then
        local -A environment_values=()
        local name
        for name in "${SETTING_NAMES[@]}"; do
            [[ -n ${!name:-} ]] && environment_values[$name]=${!name}
            unset "$name"
        done
        # shellcheck disable=SC1090  # generated by write_stack_env
        source "$STACK_ENV" || die "failed to read $STACK_ENV; fix or delete it"
        for name in "${!environment_values[@]}"; do
            [[ $report_ignored == warn ]] || break
            if [[ ${environment_values[$name]} != "${!name:-}" ]]; then
                warn "ignoring $name=${environment_values[$name]} from the environment: this stack uses '${!name:-}' from $STACK_ENV (stop the stack and delete that file to change it)"
            fi
        done
        STACK_ENV_EXISTS=1
    fi

    HTTP_ADDR=${LENDASTACK_HTTP_ADDR:-127.0.0.1}
    HTTP_PORT=${LENDASTACK_HTTP_PORT:-8080}
    PG_PORT=${LENDASTACK_PG_PORT:-55432}
    REDIS_PORT=${LENDASTACK_REDIS_PORT:-56379}
    BASE_DOMAIN=${LENDASTACK_BASE_DOMAIN:-localhost}
    WORKERS=${LENDASTACK_WORKERS:-}
    GROUPS_SETTING=${LENDASTACK_GROUPS:-}
    SERVER_BIN=${LENDASTACK_SERVER_BIN:-$REPO/build/release/lendastack-server}
    WEB_ROOT=$(realpath -m -- "${LENDASTACK_WEB_ROOT:-$REPO/app/web}")
    APP_ENV=${LENDASTACK_ENV:-development}
    TEST_CLOCK=${LENDASTACK_TEST_CLOCK:-false}

    set_paths
}

set_paths() {
    RUN_DIR=$VAR/run
    LOG_DIR=$VAR/log
    PGDATA=$VAR/pg/data
    REDIS_DIR=$VAR/redis
    NGINX_DIR=$VAR/nginx
    NGINX_CONF=$NGINX_DIR/nginx.conf
    PG_SOCKET=$RUN_DIR/.s.PGSQL.$PG_PORT
    REDIS_SOCKET=$RUN_DIR/redis.sock
    REDIS_PID_FILE=$RUN_DIR/redis.pid
    APP_SOCKET=$RUN_DIR/app.sock
    APP_PID_FILE=$RUN_DIR/app.pid
    NGINX_PID_FILE=$RUN_DIR/nginx.pid
}

# Reject settings that would leave loopback, collide with the system services, or break
# the generated configuration files.
validate_settings() {
    local name port
    # Paths go unquoted into nginx.conf and libpq conninfo strings.
    [[ $VAR =~ ^[A-Za-z0-9._/+@-]+$ ]] ||
        die "state folder $VAR contains characters other than letters, digits and ._/+@-; set LENDASTACK_VAR to another folder"
    [[ $WEB_ROOT =~ ^[A-Za-z0-9._/+@-]+$ ]] ||
        die "web root $WEB_ROOT contains characters other than letters, digits and ._/+@-; set LENDASTACK_WEB_ROOT to another folder"
    # A unix socket path must fit in sockaddr_un (107 bytes and a NUL).
    ((${#PG_SOCKET} <= 107)) ||
        die "state folder path $VAR is too long for unix socket paths (at most 107 bytes for $PG_SOCKET); set LENDASTACK_VAR to a shorter path"

    [[ $HTTP_ADDR =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] ||
        die "LENDASTACK_HTTP_ADDR=$HTTP_ADDR is not an IPv4 loopback address (127.x.x.x)"
    for name in HTTP_PORT PG_PORT REDIS_PORT; do
        port=${!name}
        if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1024 || port > 65535)); then
            die "LENDASTACK_$name=$port is invalid: expected a port number in 1024-65535"
        fi
        ((port != 5432 && port != 6379)) ||
            die "LENDASTACK_$name=$port is the default port of a system service; choose another port"
    done
    [[ $HTTP_PORT != "$PG_PORT" && $HTTP_PORT != "$REDIS_PORT" && $PG_PORT != "$REDIS_PORT" ]] ||
        die "LENDASTACK_HTTP_PORT, LENDASTACK_PG_PORT and LENDASTACK_REDIS_PORT must differ (got $HTTP_PORT, $PG_PORT, $REDIS_PORT)"
    [[ $BASE_DOMAIN =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]] ||
        die "LENDASTACK_BASE_DOMAIN=$BASE_DOMAIN is not a valid domain name"
    [[ -z $WORKERS || $WORKERS =~ ^[1-9][0-9]*$ ]] ||
        die "LENDASTACK_WORKERS=$WORKERS is invalid: expected a positive number of worker processes, or empty for the server default"
    [[ -z $GROUPS_SETTING || $GROUPS_SETTING =~ ^[1-9][0-9]*$ ]] ||
        die "LENDASTACK_GROUPS=$GROUPS_SETTING is invalid: expected a positive number of worker groups, or empty for the server default"
    [[ $APP_ENV =~ ^[a-z][a-z0-9_-]*$ ]] ||
        die "LENDASTACK_ENV=$APP_ENV is invalid: expected a lowercase name such as development"
    [[ $TEST_CLOCK == true || $TEST_CLOCK == false ]] ||
        die "LENDASTACK_TEST_CLOCK=$TEST_CLOCK is invalid: expected true or false"
}

# Write $VAR/stack.env: the settings, and the connection strings and paths that the
# server and the tools read.
# The private Redis listens on a loopback TCP port that every local account can
# reach, so it requires a password. The password is generated once per stack and
# readable by its owner only.
ensure_redis_password() {
    local file=$VAR/redis-password
    if [[ ! -s $file ]]; then
        (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$file") ||
            die "failed to write $file"
    fi
    chmod 0600 "$file"
    REDIS_PASSWORD=$(<"$file")
}

write_stack_env() {
    local conninfo="host=$RUN_DIR port=$PG_PORT dbname=lendastack connect_timeout=3"
    ensure_redis_password
    local -a lines=(
        "LENDASTACK_STACK_ENV=$STACK_ENV"
        "LENDASTACK_VAR=$VAR"
        "LENDASTACK_HTTP_ADDR=$HTTP_ADDR"
        "LENDASTACK_HTTP_PORT=$HTTP_PORT"
        "LENDASTACK_PG_PORT=$PG_PORT"
        "LENDASTACK_REDIS_PORT=$REDIS_PORT"
        "LENDASTACK_BASE_DOMAIN=$BASE_DOMAIN"
        "LENDASTACK_SERVER_BIN=$SERVER_BIN"
        "LENDASTACK_WEB_ROOT=$WEB_ROOT"
        "LENDASTACK_ENV=$APP_ENV"
        "LENDASTACK_TEST_CLOCK=$TEST_CLOCK"
        "LENDASTACK_HTTP_URL=http://$HTTP_ADDR:$HTTP_PORT"
        "LENDASTACK_PG=$conninfo user=lendastack_app"
        "LENDASTACK_PG_OWNER=$conninfo user=lendastack_owner"
        "LENDASTACK_PG_SUPER=$conninfo user=postgres"
        "LENDASTACK_REDIS=unix:$REDIS_SOCKET"
        "LENDASTACK_REDIS_TCP=127.0.0.1:$REDIS_PORT"
        "LENDASTACK_REDIS_PASSWORD=$REDIS_PASSWORD"
        "LENDASTACK_LISTEN=unix:$APP_SOCKET"
        "LENDASTACK_PID_FILE=$APP_PID_FILE"
    )
    [[ -n $WORKERS ]] && lines+=("LENDASTACK_WORKERS=$WORKERS")
    [[ -n $GROUPS_SETTING ]] && lines+=("LENDASTACK_GROUPS=$GROUPS_SETTING")
    is_root && lines+=("LENDASTACK_USER=$APP_USER")

    local line new_file
    new_file=$(mktemp "$VAR/.stack.env.XXXXXX")
    {
        echo "# Settings of the Lendastack stack in $VAR, written by scripts/stack start."
        echo "# Load them with: eval \"\$(scripts/stack env)\""
        echo "# To choose other ports, stop the stack and delete this file."
        for line in "${lines[@]}"; do
            echo "export ${line%%=*}=$(shell_quote "${line#*=}")"
        done
    } >"$new_file"
    # It contains the Redis password, so only the owner may read it.
    chmod 0600 "$new_file"
    mv -f "$new_file" "$STACK_ENV"
}

# Create the system user and group that the application workers and nginx workers run
# as, when they are missing.
ensure_app_user() {
    getent passwd "$APP_USER" >/dev/null && return 0
    if getent group "$APP_USER" >/dev/null; then
        useradd --system --no-create-home --shell /usr/sbin/nologin --gid "$APP_USER" "$APP_USER"
    else
        useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$APP_USER"
    fi || die "useradd failed to create the system user $APP_USER"
    info "created system user and group $APP_USER"
}

# Grant each user traverse-only access (ACL u:USER:x) to every folder on the way to the
# given folders that blocks it, and print one line per folder changed.
# Usage: grant_traverse "USER..." DIR...
grant_traverse() {
    local -a users
    read -ra users <<<"$1"
    shift

    local target user path part
    local -a parts changed_dirs=()
    local -A changed_users=()
    for target in "$@"; do
        for user in "${users[@]}"; do
            path=
            IFS=/ read -ra parts <<<"${target#/}"
            for part in "" "${parts[@]}"; do
                [[ -n $part ]] && path+=/$part
                [[ -d ${path:-/} ]] || break
                runuser -u "$user" -- test -x "${path:-/}" && continue
                setfacl -m "u:$user:x" "${path:-/}" ||
                    die "setfacl failed on ${path:-/}; move the repository to a folder that $user can traverse, or set LENDASTACK_VAR"
                [[ -z ${changed_users[${path:-/}]:-} ]] && changed_dirs+=("${path:-/}")
                changed_users[${path:-/}]+=" $user"
            done
        done
    done

    local dir
    for dir in "${changed_dirs[@]}"; do
        info "granted traverse-only access to $dir for:${changed_users[$dir]}"
    done
}

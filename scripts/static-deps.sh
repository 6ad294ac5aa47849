#!/usr/bin/env bash
# Browser libraries (Apache ECharts) from the npm registry, pinned by package-lock.json, into node_modules/;
# Django serves them from there (STATICFILES_DIRS). npm comes from Debian's packages when the machine lacks it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "安装系统依赖：npm" >&2
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

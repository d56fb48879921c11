#!/usr/bin/env bash
# supergateway (npm), pinned, into .cache/peers/supergateway/: runs a stdio MCP server and serves it over Streamable HTTP.
#
#   bash bench/peers/install-supergateway.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$here/npm-peer.sh" supergateway supergateway 4.0.0

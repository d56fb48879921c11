#!/usr/bin/env bash
# mcp-proxy (npm), pinned, into .cache/peers/mcp-proxy/: runs a stdio MCP server and serves it over Streamable HTTP.
#
#   bash bench/peers/install-mcp-proxy.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$here/npm-peer.sh" mcp-proxy mcp-proxy 6.7.19

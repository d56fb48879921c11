"""Connects to an MCP endpoint with Python's `mcp` client and a bearer token, lists tools and calls one.

Usage: python call_tool.py URL TOOL ARGUMENTS_JSON   (the token is read from the SLUICE_TOKEN environment variable)

Prints one JSON object: {"protocolVersion", "tools": [names], "isError", "text"}; exits 1 with the error on stderr.
"""

import asyncio
import json
import os
import sys

import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client


async def run(url: str, tool: str, arguments: dict) -> dict:
    headers = {"Authorization": f"Bearer {os.environ['SLUICE_TOKEN']}"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                initialized = await session.initialize()
                listed = await session.list_tools()
                result = await session.call_tool(tool, arguments)
    text = next((c.text for c in result.content if c.type == "text"), "")
    return {
        "protocolVersion": initialized.protocol_version,
        "tools": [t.name for t in listed.tools],
        "isError": bool(result.is_error),
        "text": text,
    }


def main() -> None:
    url, tool, arguments = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    print(json.dumps(asyncio.run(run(url, tool, arguments))))


if __name__ == "__main__":
    main()

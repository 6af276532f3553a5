"""`modreg mcp` driven by the official Python MCP SDK: a second, independent client.

Usage: python_client.py MODREG_BINARY [PROJECT_DIR]   (PROJECT_DIR defaults to the repository)
"""
import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main(binary: str, project: str) -> None:
    params = StdioServerParameters(command=binary, args=["mcp"], cwd=project,
                                   env={**os.environ, "MODREG_NOW": "2026-11-25T00:00:00Z"})
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            assert init.server_info.name == "modreg", init
            tools = {t.name: t for t in (await session.list_tools()).tools}
            assert "search_modules" in tools and "register_module" not in tools, sorted(tools)
            assert tools["search_modules"].annotations.read_only_hint is True
            assert tools["search_modules"].output_schema is not None

            found = await session.call_tool("search_modules", {"query": "send invoices to customers", "limit": 3})
            assert not found.is_error, found
            hits = found.structured_content["hits"]
            assert hits and hits[0]["id"] == "billing", hits

            shown = await session.call_tool("show_module", {"id": "crm"})
            assert not shown.is_error, shown
            assert shown.structured_content["id"] == "crm"
            assert json.loads(shown.content[0].text)["id"] == "crm"

            missing = await session.call_tool("show_module", {"id": "no-such-module"})
            assert missing.is_error, missing

            res = await session.read_resource("modreg://modules/crm")
            assert "id: crm" in res.contents[0].text, res
    print("python MCP client: ok")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    project = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.dirname(here))
    asyncio.run(main(os.path.abspath(sys.argv[1]), project))

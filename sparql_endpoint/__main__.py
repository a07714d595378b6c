"""``python -m sparql_endpoint``: the same command as ``heg serve``."""

from .serve.cli import serve

if __name__ == "__main__":
    serve(prog_name="python -m sparql_endpoint")
